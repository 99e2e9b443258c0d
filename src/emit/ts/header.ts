import { GENERATED_MARKER } from "../files.js";

/** Text for a `//` comment: no line break of any kind may end the comment early. */
export function lineCommentText(text: string): string {
  return text.replace(/[\r\n\u2028\u2029\u0085]+/g, " ");
}

/** The first lines of every generated TypeScript file. */
export function tsHeader(source: string): string {
  return `// ${GENERATED_MARKER}\n// source: ${lineCommentText(source)}\n\n`;
}

/**
 * The first lines of a runtime copy. svcgen type-checks src/runtime itself, strictly, and copies it verbatim, so
 * `@ts-nocheck` spares the user's tsc checking the same bodies again on every build (about 1.5 s), as skipLibCheck
 * does for a package's .d.ts; the types it exports are read as before.
 */
export function runtimeHeader(source: string): string {
  return `// ${GENERATED_MARKER}\n// source: ${lineCommentText(source)}\n// @ts-nocheck\n\n`;
}
