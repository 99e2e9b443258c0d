// Diagnostics as compilers print them, so editors and CI annotate the right line.
import path from "node:path";
import type { Diagnostic, SourceLocation } from "../model/types.js";

/** `file:line:col: error: message`, or `file#/pointer: error: message` when only a JSON pointer is known. */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  return `${formatLocation(diagnostic.location)}: ${diagnostic.severity}: ${diagnostic.message}`;
}

export function formatLocation(location: SourceLocation): string {
  if (location.line !== undefined) {
    const column = location.column !== undefined ? `:${location.column}` : "";
    return `${location.file}:${location.line}${column}`;
  }
  if (location.pointer !== undefined) {
    return location.file + (location.pointer.startsWith("#") ? location.pointer : `#${location.pointer}`);
  }
  return location.file;
}

export function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}

/** How a folder is named in messages: relative to cwd, with a trailing `/` (`generated/`, `./`, `../out/`). */
export function displayDir(cwd: string, dir: string): string {
  const relative = toPosix(path.relative(cwd, dir));
  return relative === "" ? "./" : `${relative}/`;
}
