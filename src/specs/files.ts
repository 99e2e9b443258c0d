// One wording for an input file that is missing or unreadable, whatever kind of input it is: services.toml, an
// OpenAPI spec, a file a spec's `$ref` names, a .proto, a .proto's import. `<kind> file not found: <path>`, reported
// where the file is named (the TOML key, the `$ref`'s pointer, the import line), so a user learns one message.
import { statSync } from "node:fs";
import type { Diagnostic, SourceLocation } from "../diagnostics.js";

/** Every kind of input file svcgen reads, as messages name it, with the code prefix of the stage that reads it. */
const KINDS = {
  config: { label: "config", stage: "config" },
  openapi: { label: "OpenAPI spec", stage: "openapi" },
  ref: { label: "$ref'd", stage: "openapi" },
  externalValue: { label: "externalValue", stage: "openapi" },
  proto: { label: ".proto", stage: "proto" },
  protoImport: { label: ".proto import", stage: "proto" },
} as const;

export type InputKind = keyof typeof KINDS;

/**
 * `.proto file not found: protos/a.proto`. `shown` is the path as the user reads it; `detail` (without parentheses)
 * says where else was looked or what to do.
 */
export function fileNotFound(kind: InputKind, shown: string, location: SourceLocation, detail?: string): Diagnostic {
  return { severity: "error", ...notFound(kind, shown, detail), location };
}

/** The code and message of fileNotFound, for a caller that locates the problem itself. */
export function notFound(kind: InputKind, shown: string, detail?: string): { code: string; message: string } {
  const { label, stage } = KINDS[kind];
  const more = detail === undefined ? "" : ` (${detail})`;
  return { code: `${stage}/not-found`, message: `${label} file not found: ${shown}${more}` };
}

/**
 * The diagnostic for a file that could not be read: not found (ENOENT, ENOTDIR), a folder, or another reason such as
 * EACCES, given by its error code only (a stack trace or an absolute path means nothing in a diagnostic).
 */
export function unreadableFile(kind: InputKind, shown: string, location: SourceLocation, error: unknown): Diagnostic {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") return fileNotFound(kind, shown, location);
  const { label, stage } = KINDS[kind];
  const reason = code === "EISDIR" ? "it is a folder" : (code ?? (error instanceof Error ? error.message : String(error)));
  return { severity: "error", code: `${stage}/unreadable`, message: `cannot read ${label} file ${shown}: ${reason}`, location };
}

/** Checks, without reading it, that `abs` is a file: undefined when it is, else the diagnostic to report. */
export function checkInputFile(kind: InputKind, abs: string, shown: string, location: SourceLocation): Diagnostic | undefined {
  try {
    const stat = statSync(abs);
    if (stat.isFile()) return undefined;
    const error = stat.isDirectory() ? Object.assign(new Error("a folder"), { code: "EISDIR" }) : new Error("not a regular file");
    return unreadableFile(kind, shown, location, error);
  } catch (e) {
    return unreadableFile(kind, shown, location, e);
  }
}
