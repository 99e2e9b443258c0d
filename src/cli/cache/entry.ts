// Content-hash cache for `gen`: when svcgen, the config and every input the last run read are byte-identical, and
// the output folder still holds exactly what that run wrote, the pipeline need not run (nor even be imported).
// Lives outside the output folder, which must stay byte-deterministic and committed.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Diagnostic } from "../../model/types.js";
import type { GeneratedFile } from "../../emit/files.js";
import { writeAtomically } from "../output/apply.js";
import { hasGeneratedMarker, listFiles } from "../output/tree.js";

const FORMAT = 1;

export interface CacheEntry {
  format: typeof FORMAT;
  fingerprint: string;
  key: string;
  /** Absolute paths, config first: what the key hashed. */
  inputs: string[];
  /** Output path (relative to the output folder) → sha256 of its bytes. */
  outputs: Record<string, string>;
  /** Re-printed on a cache hit, so warnings do not vanish on the second run. */
  warnings: Diagnostic[];
}

export interface CacheScope {
  cwd: string;
  /** As given on the command line; part of the key because the model records it. */
  configPath: string;
  outDir: string;
  fingerprint: string;
  env: Record<string, string | undefined>;
}

/** `SVCGEN_CACHE_DIR`, else `<cwd>/node_modules/.cache/svcgen`, else `<tmpdir>/svcgen-cache`. */
export function cacheDir(cwd: string, env: Record<string, string | undefined>): string {
  const override = env.SVCGEN_CACHE_DIR;
  if (override) return path.resolve(cwd, override);
  const nodeModules = path.join(cwd, "node_modules");
  return existsSync(nodeModules) ? path.join(nodeModules, ".cache", "svcgen") : path.join(os.tmpdir(), "svcgen-cache");
}

/** One entry per (cwd, config, output folder), so projects sharing the tmpdir fallback do not collide. */
export function entryFile(scope: CacheScope): string {
  const configAbsolute = path.resolve(scope.cwd, scope.configPath);
  const id = sha256(`${scope.cwd}\0${configAbsolute}\0${scope.outDir}`).slice(0, 32);
  return path.join(cacheDir(scope.cwd, scope.env), `${id}.json`);
}

/** The previous run's entry, if it still describes the inputs and the output folder exactly; otherwise undefined. */
export function freshEntry(scope: CacheScope): CacheEntry | undefined {
  const entry = readEntry(entryFile(scope));
  if (entry === undefined || entry.fingerprint !== scope.fingerprint) return undefined;
  const key = computeKey(scope, entry.inputs);
  if (key === undefined || key !== entry.key) return undefined;
  return outputsMatch(scope.outDir, entry.outputs) ? entry : undefined;
}

/** Best effort: a read-only or full cache folder only costs speed, never correctness. */
export function saveEntry(scope: CacheScope, inputs: readonly string[], files: readonly GeneratedFile[], warnings: Diagnostic[]): void {
  const configAbsolute = path.resolve(scope.cwd, scope.configPath);
  const allInputs = [configAbsolute, ...inputs.filter((input) => path.resolve(input) !== configAbsolute)];
  // Hashed after the run: an input edited during generation may be cached as its new content (accepted; rare).
  const key = computeKey(scope, allInputs);
  if (key === undefined) return;
  const outputs: Record<string, string> = {};
  for (const file of files) outputs[file.path] = sha256(Buffer.from(file.content, "utf8"));
  const entry: CacheEntry = { format: FORMAT, fingerprint: scope.fingerprint, key, inputs: allInputs, outputs, warnings };
  try {
    const file = entryFile(scope);
    mkdirSync(path.dirname(file), { recursive: true });
    writeAtomically(file, `${JSON.stringify(entry)}\n`);
  } catch {
    // Ignored on purpose (see above).
  }
}

function computeKey(scope: CacheScope, inputs: readonly string[]): string | undefined {
  const hash = createHash("sha256");
  hash.update(JSON.stringify([FORMAT, scope.fingerprint, scope.cwd, scope.configPath, scope.outDir]));
  for (const input of inputs) {
    let content: Buffer;
    try {
      content = readFileSync(input);
    } catch {
      return undefined; // An input vanished (or turned unreadable): let the pipeline report it.
    }
    hash.update(`\0${input}\0${sha256(content)}`);
  }
  return hash.digest("hex");
}

function outputsMatch(outDir: string, outputs: Record<string, string>): boolean {
  let seen = 0;
  for (const file of listFiles(outDir)) {
    const absolute = path.join(outDir, file);
    const expected = Object.hasOwn(outputs, file) ? outputs[file] : undefined;
    if (expected === undefined) {
      if (hasGeneratedMarker(absolute)) return false; // A leftover the pipeline would remove.
      continue;
    }
    if (sha256(readFileSync(absolute)) !== expected) return false;
    seen++;
  }
  return seen === Object.keys(outputs).length;
}

function readEntry(file: string): CacheEntry | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined; // Missing or corrupt: a miss.
  }
  const entry = parsed as Partial<CacheEntry> | null;
  const valid =
    entry !== null &&
    typeof entry === "object" &&
    entry.format === FORMAT &&
    typeof entry.fingerprint === "string" &&
    typeof entry.key === "string" &&
    Array.isArray(entry.inputs) &&
    entry.inputs.every((input) => typeof input === "string") &&
    typeof entry.outputs === "object" &&
    entry.outputs !== null &&
    Array.isArray(entry.warnings);
  return valid ? (entry as CacheEntry) : undefined;
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}
