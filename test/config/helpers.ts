// Shared by the config tests: read fixtures and render diagnostics the way the CLI prints them.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { formatDiagnostic } from "../../src/config/diagnostics.js";
import { parseConfig } from "../../src/config/index.js";

export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/config/${name}`, import.meta.url)), "utf8");
}

/** Diagnostics as printed lines, for exact comparisons. */
export function printed(text: string, file = "services.toml"): string[] {
  return parseConfig(text, file).diagnostics.map(formatDiagnostic);
}

/** The config of a document that must parse without errors (warnings allowed). */
export function configOf(text: string, file = "services.toml") {
  const result = parseConfig(text, file);
  const errors = result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
  if (errors.length > 0 || !result.config) throw new Error(`unexpected errors:\n${errors.join("\n")}`);
  return result.config;
}
