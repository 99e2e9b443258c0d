// Temp projects and captured output for running main() in-process with a fake pipeline.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import type { GenerateRequest, GenerateResult } from "../../src/generate.js";
import type { GeneratedFile } from "../../src/emit/files.js";
import { GENERATED_MARKER } from "../../src/emit/files.js";
import type { Diagnostic } from "../../src/model/types.js";
import { main } from "../../src/cli/main.js";
import type { CliIo, MainOptions } from "../../src/cli/main.js";

const created: string[] = [];

afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temp project with a node_modules folder (so the cache lands in node_modules/.cache/svcgen) and a config. */
export function makeProject(files: Record<string, string> = { "services.toml": "[external_services]\n" }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "svcgen-cli-"));
  created.push(dir);
  mkdirSync(path.join(dir, "node_modules"));
  for (const [file, content] of Object.entries(files)) writeFile(dir, file, content);
  return dir;
}

export function writeFile(root: string, file: string, content: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), content);
}

export function generated(body: string): string {
  return `// ${GENERATED_MARKER}\n${body}\n`;
}

/** A stand-in for src/generate.ts that records its calls; `next` decides what the following calls return. */
export class FakePipeline {
  calls: GenerateRequest[] = [];
  files: GeneratedFile[] = [];
  diagnostics: Diagnostic[] = [];
  /** Relative to the project; turned absolute like the real pipeline's `inputs`. */
  inputs: string[] = [];
  /** Relative to the project, like `inputs`: paths looked for and not found. */
  absent: string[] = [];
  model: GenerateResult["model"];

  readonly generate = async (request: GenerateRequest): Promise<GenerateResult> => {
    this.calls.push(request);
    const errors = this.diagnostics.some((diagnostic) => diagnostic.severity === "error");
    return {
      files: errors ? [] : this.files,
      diagnostics: this.diagnostics,
      inputs: [path.resolve(request.cwd, request.configPath), ...this.inputs.map((input) => path.resolve(request.cwd, input))],
      absent: this.absent.map((file) => path.resolve(request.cwd, file)),
      ...(this.model === undefined ? {} : { model: this.model }),
    };
  };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(
  cwd: string,
  argv: string[],
  options: MainOptions = {},
  env: Record<string, string | undefined> = {},
): Promise<RunResult> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    cwd,
    env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  };
  const code = await main(argv, io, options);
  return { code, stdout, stderr };
}

/** Every file and folder under `dir` with its bytes, mtime and inode: equal snapshots mean nothing was touched. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (absolute: string, relative: string): void => {
    for (const name of readdirSync(absolute).sort()) {
      const childAbsolute = path.join(absolute, name);
      const childRelative = relative === "" ? name : `${relative}/${name}`;
      const stat = statSync(childAbsolute);
      if (stat.isDirectory()) {
        out[`${childRelative}/`] = `dir mtime=${stat.mtimeMs} ino=${stat.ino}`;
        walk(childAbsolute, childRelative);
      } else {
        out[childRelative] = `${readFileSync(childAbsolute, "utf8")} mtime=${stat.mtimeMs} ino=${stat.ino}`;
      }
    }
  };
  walk(dir, "");
  return out;
}

export function listTree(dir: string): string[] {
  return Object.keys(snapshot(dir));
}
