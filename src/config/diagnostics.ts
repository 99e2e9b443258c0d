// Diagnostics: collected while reading, then sorted and printed once (`file:line:col: error: message`).
import type { Diagnostic, SourceLocation } from "../diagnostics.js";

/** `file:line:col: error: message`; `file#/pointer: error: message` for spec pointers without a line. */
export function formatDiagnostic(d: Diagnostic): string {
  const { file, line, column, pointer } = d.location;
  let where = file;
  if (line !== undefined) {
    where += `:${line}`;
    if (column !== undefined) where += `:${column}`;
  } else if (pointer !== undefined) {
    where += `#${pointer.startsWith("#") ? pointer.slice(1) : pointer}`;
  }
  // Lint findings carry a stable code users grep for and silence by; other codes are internal.
  const code = /^SVC\d+$/.test(d.code) ? ` [${d.code}]` : "";
  return `${where}: ${d.severity}: ${d.message}${code}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** By file, then line, then column (missing positions last), then pointer, severity (errors first), message. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const la = a.location;
  const lb = b.location;
  return (
    compareText(la.file, lb.file) ||
    (la.line ?? Number.MAX_SAFE_INTEGER) - (lb.line ?? Number.MAX_SAFE_INTEGER) ||
    (la.column ?? Number.MAX_SAFE_INTEGER) - (lb.column ?? Number.MAX_SAFE_INTEGER) ||
    compareText(la.pointer ?? "", lb.pointer ?? "") ||
    compareText(a.severity, b.severity) ||
    compareText(a.message, b.message)
  );
}

/** Collects diagnostics; identical ones (same place, code and message) are kept once. */
export class DiagnosticSink {
  readonly #seen = new Set<string>();
  readonly #list: Diagnostic[] = [];

  error(code: string, message: string, location: SourceLocation): void {
    this.#add({ severity: "error", code, message, location });
  }

  warning(code: string, message: string, location: SourceLocation): void {
    this.#add({ severity: "warning", code, message, location });
  }

  get hasErrors(): boolean {
    return this.#list.some((d) => d.severity === "error");
  }

  sorted(): Diagnostic[] {
    return [...this.#list].sort(compareDiagnostics);
  }

  #add(d: Diagnostic): void {
    const id = JSON.stringify([d.location, d.code, d.message]);
    if (this.#seen.has(id)) return;
    this.#seen.add(id);
    this.#list.push(d);
  }
}
