// An earlier commit's runtime, to benchmark today's against: `git archive <rev>` of the runtime's folders, extracted
// once into bench/.cache/runtime-<sha> (gitignored, marked "type": "module" like the project) and imported from there. It resolves undici and connect-es from
// the project's node_modules, as today's runtime does, so only svcgen's own code differs.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** Before telemetry (issue 14): what "today" meant when its cost targets were set. */
export const DEFAULT_BASELINE = "e418855";

const root = path.resolve(import.meta.dirname, "../..");

/** `--baseline=<rev>` from argv, else DEFAULT_BASELINE. */
export function baselineRev(argv: readonly string[] = process.argv): string {
  const hit = argv.find((a) => a.startsWith("--baseline="));
  return hit === undefined ? DEFAULT_BASELINE : hit.slice("--baseline=".length);
}

/**
 * The folder holding `folders` (paths from the repository root) as they were at `rev`; extracted on first use.
 * Returns the folder and the commit's full hash.
 */
export function baselineTree(rev: string, folders: readonly string[]): { dir: string; sha: string } {
  const sha = execFileSync("git", ["rev-parse", "--verify", `${rev}^{commit}`], { cwd: root, encoding: "utf8" }).trim();
  const dir = path.join(root, "bench/.cache", `runtime-${sha.slice(0, 12)}`);
  const missing = folders.filter((f) => !fs.existsSync(path.join(dir, f)));
  if (missing.length > 0) {
    fs.mkdirSync(dir, { recursive: true });
    const archive = execFileSync("git", ["archive", "--format=tar", sha, ...missing], { cwd: root, maxBuffer: 256 * 1024 * 1024 });
    execFileSync("tar", ["-x", "-C", dir], { input: archive });
  }
  // ESM, as in the project: without this, bench/.cache/package.json would make tsx compile the copy to CommonJS,
  // whose cross-module calls go through getters (slower, and not what runs today).
  const manifest = path.join(dir, "package.json");
  if (!fs.existsSync(manifest)) fs.writeFileSync(manifest, '{ "private": true, "type": "module" }\n');
  return { dir, sha };
}
