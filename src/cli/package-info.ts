// Where svcgen itself lives: the same layout works from src/ (tsx, tests) and dist/ (the published package).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** `src/` or `dist/`: this file sits in `<codeDir>/cli/`. */
export const codeDir: string = fileURLToPath(new URL("../", import.meta.url));
export const packageRoot: string = fileURLToPath(new URL("../../", import.meta.url));

let version: string | undefined;

export function packageVersion(): string {
  if (version === undefined) {
    const raw = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
    version = String((JSON.parse(raw) as { version?: unknown }).version ?? "0.0.0");
  }
  return version;
}
