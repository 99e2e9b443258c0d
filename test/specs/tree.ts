// Temp project trees for the hostile-input tests: real files and real symlinks under os.tmpdir(), removed after each
// test, plus the real CLI run as its own process.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterEach } from "vitest";
import { formatDiagnostic } from "../../src/config/diagnostics.js";
import { generate, type GenerateResult } from "../../src/generate.js";
import { REPO } from "../support/repo.js";

/** Put in every file a spec must not be able to read; it must never show up in output or messages. */
export const MARKER = "SECRET_MARKER_9f3";

const created: string[] = [];
afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** `files`: path → content; `links`: path → symlink target (as written, usually relative to the link's folder). */
export function makeTree(files: Record<string, string>, links: Record<string, string> = {}): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "svcgen-hostile-"));
  created.push(root);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  for (const [link, target] of Object.entries(links)) {
    mkdirSync(path.dirname(path.join(root, link)), { recursive: true });
    symlinkSync(target, path.join(root, link));
  }
  return root;
}

/** generate() with the tree as cwd, diagnostics printed as the CLI prints them. */
export async function gen(root: string): Promise<{ result: GenerateResult; printed: string[] }> {
  const result = await generate({ configPath: "services.toml", cwd: root });
  return { result, printed: result.diagnostics.map(formatDiagnostic) };
}

/** Every byte generate() would write, for "the marker never reaches the output" checks. */
export function written(result: GenerateResult): string {
  return result.files.map((f) => `${f.path}\n${f.content}`).join("\n");
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The repo's tsx loader by file URL: `--import tsx` would resolve it from the working directory, the temp tree. */
const TSX = pathToFileURL(path.join(REPO, "node_modules/tsx/dist/loader.mjs")).href;

/** `svcgen gen --config <root>/services.toml --out <root>/generated` as a separate process, run from `root`. */
export async function cliGen(root: string): Promise<CliRun> {
  const args = ["--import", TSX, path.join(REPO, "src/cli/main.ts"), "gen", "--config", path.join(root, "services.toml"), "--out", path.join(root, "generated")];
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { cwd: root, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Contents of every file under `dir` (none when it does not exist). */
export function allText(dir: string): string {
  if (!existsSync(dir)) return "";
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((rel) => path.join(dir, rel))
    .filter((abs) => statSync(abs).isFile())
    .map((abs) => readFileSync(abs, "utf8"))
    .join("\n");
}

export function servicesToml(extra = "", spec = "specs/api.yaml"): string {
  return `[external_services.api]\nurl = "http://api:8080"\nopenapi = "${spec}"\n${extra}`;
}
