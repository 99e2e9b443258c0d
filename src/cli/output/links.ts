// Symbolic links inside the output folder. svcgen never writes, creates folders or removes through one: a link there
// (`generated/clients -> ../elsewhere`) would send a regenerated file, or a removal of a stale one, anywhere on disk,
// and the emitters' paths are only checked as text. The output folder itself may be a link; the plan resolves it.
import { lstatSync } from "node:fs";
import path from "node:path";

export type EntryKind = "link" | "missing" | "present";

/** What is at `file`, not following a link there. Missing also when a parent is a file (ENOTDIR). */
export function entryKind(file: string): EntryKind {
  try {
    return lstatSync(file).isSymbolicLink() ? "link" : "present";
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "ENOENT" || code === "ENOTDIR") return "missing";
    throw error;
  }
}

/** Finds links below `root`, one lstat per path component however many files share it. */
export class LinkFinder {
  readonly #root: string;
  readonly #kinds = new Map<string, EntryKind>();

  constructor(root: string) {
    this.#root = root;
  }

  /** The outermost existing link on the way to `relative` (each folder below the root, then the file), if any. */
  firstLink(relative: string): string | undefined {
    let at = "";
    for (const segment of relative.split("/")) {
      at = at === "" ? segment : `${at}/${segment}`;
      let kind = this.#kinds.get(at);
      if (kind === undefined) this.#kinds.set(at, (kind = entryKind(path.join(this.#root, at))));
      if (kind === "link") return at;
      if (kind === "missing") return undefined; // nothing below it exists either
    }
    return undefined;
  }
}

const REFUSAL = "is a symbolic link; svcgen never writes through links inside the output folder (remove it, or point --out at the real folder)";

/** The error line for a link svcgen refused, `shown` naming it as the user would (relative to the current directory). */
export function linkMessage(shown: string): string {
  return `${shown}: error: ${REFUSAL}`;
}

/** Thrown by the writer when a link appeared after the plan was made (the plan itself refuses links earlier). */
export class OutputLinkError extends Error {
  /** A system-style code, so the CLI prints the message as an environment failure, not a bug. */
  readonly code = "ELOOP";

  constructor(readonly file: string) {
    super(`${file}: ${REFUSAL}`);
    this.name = "OutputLinkError";
  }
}

/**
 * Is `file` inside the output folder and behind a link there? `outDir` as the user named it, `root` its real path.
 * For the cache, which may live inside the output folder (`--out .`): best effort, so skipped rather than refused.
 */
export function behindLinkInside(outDir: string, root: string, file: string): boolean {
  const relative = path.relative(outDir, file);
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return false;
  return new LinkFinder(root).firstLink(relative.split(path.sep).join("/")) !== undefined;
}
