// Shared by commands that run the pipeline: print what it found, decide whether the input was bad.
import type { Diagnostic } from "../../model/types.js";
import { formatDiagnostic } from "../format.js";
import type { CliIo } from "../io.js";

/**
 * Prints every diagnostic to stderr, one per line; returns true when any of them is an error.
 * Locations are printed as given: generate() already names files relative to the current directory.
 */
export function reportDiagnostics(diagnostics: readonly Diagnostic[], io: CliIo): boolean {
  for (const diagnostic of diagnostics) io.stderr.write(`${formatDiagnostic(diagnostic)}\n`);
  return diagnostics.some((diagnostic) => diagnostic.severity === "error");
}

/** `--strict`: every warning (lint findings included) becomes an error, so the run fails and writes nothing. */
export function strictly(diagnostics: readonly Diagnostic[], strict: boolean): readonly Diagnostic[] {
  if (!strict) return diagnostics;
  return diagnostics.map((d) => (d.severity === "warning" ? { ...d, severity: "error" as const } : d));
}
