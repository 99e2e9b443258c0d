// File paths as they appear in the model and in diagnostics: relative to the config directory, `/`-separated.

import path from "node:path";

export function relativeTo(configDir: string, absPath: string): string {
  const rel = path.relative(configDir, absPath);
  return rel.split(path.sep).join("/");
}

/**
 * Replaces known absolute paths inside free text (library error messages, generated source) with their relative
 * form, longest first so a file inside the config directory wins over the directory itself.
 */
export function scrubPaths(text: string, configDir: string, absPaths: readonly string[]): string {
  const known = [...new Set([...absPaths, configDir])].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  let out = text;
  for (const abs of known) {
    if (abs === "" || !out.includes(abs)) continue;
    const rel = abs === configDir ? "." : relativeTo(configDir, abs);
    out = out.split(abs).join(rel);
  }
  return out;
}
