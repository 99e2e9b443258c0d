// Diagnostics as compilers print them, so editors and CI annotate the right line.
import path from "node:path";

/** `file:line:col: error: message`, or `file#/pointer: error: message` when only a JSON pointer is known. */
export { formatDiagnostic } from "../config/diagnostics.js";

export function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

/** How a folder is named in messages: relative to cwd, with a trailing `/` (`generated/`, `./`, `../out/`). */
export function displayDir(cwd: string, dir: string): string {
  const relative = toPosix(path.relative(cwd, dir));
  return relative === "" ? "./" : `${relative}/`;
}

/** What main prints after `svcgen: ` for an error no command handled (--watch prints it and goes on). */
export function describeFailure(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  // System errors (EACCES, ENOSPC, ...) are the environment's, not a bug: the message is enough.
  if (typeof code === "string" && /^E[A-Z]+$/.test(code) && error instanceof Error) return `error: ${error.message}`;
  return `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
