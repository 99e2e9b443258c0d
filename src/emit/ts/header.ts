import { GENERATED_MARKER } from "../files.js";

/** Text for a `//` comment: no line break of any kind may end the comment early. */
export function lineCommentText(text: string): string {
  return text.replace(/[\r\n\u2028\u2029\u0085]+/g, " ");
}

/** The first lines of every generated TypeScript file. */
export function tsHeader(source: string): string {
  return `// ${GENERATED_MARKER}\n// source: ${lineCommentText(source)}\n\n`;
}
