// The run's cache entry for `gen`: when svcgen, the config and every input the last run read are byte-identical, and
// the output folder still holds exactly what that run wrote, the pipeline need not run (nor even be imported).
// Files are compared by size and mtime first and hashed only when those differ (stamps.ts), so a run with nothing
// changed reads no input. Lives outside the output folder, which must stay byte-deterministic and committed.
// Spec loads have entries of their own (specs.ts), used when this one is stale.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Diagnostic } from "../../model/types.js";
import type { GeneratedFile } from "../../emit/files.js";
import { writeAtomically } from "../output/apply.js";
import { bytesOf } from "../output/bytes.js";
import { hasGeneratedMarker, listFiles } from "../output/tree.js";
import { exists, sha256, stampFile, stampWritten, verifyStamps, type FileStamp, type Stamped } from "./stamps.js";

const FORMAT = 2;

export interface CacheEntry {
  format: typeof FORMAT;
  fingerprint: string;
  /** cwd, the config path as given, the output folder: the model records the config path as given. */
  scope: [string, string, string];
  /** When the stamps were taken (ms since the epoch). */
  writtenAt: number;
  /** Absolute paths, config first: what the run read. */
  inputs: string[];
  /** The inputs' stamps, in the same order. */
  inputStamps: FileStamp[];
  /** Paths looked for and not found before an input (a .proto import's search): none may exist. */
  absent: string[];
  /** Output path (relative to the output folder) → its stamp. */
  outputs: Record<string, FileStamp>;
  /** Re-printed on a cache hit, so warnings do not vanish on the second run. */
  warnings: Diagnostic[];
}

export interface CacheScope {
  cwd: string;
  /** As given on the command line; part of the entry's identity because the model records it. */
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

export interface FreshEntry {
  entry: CacheEntry;
  /** Set when files had to be hashed: the entry with today's stamps, worth storing (writeEntry) for the next run. */
  refreshed?: CacheEntry;
}

/** The previous run's entry, if it still describes the inputs and the output folder exactly; otherwise undefined. */
export function freshEntry(scope: CacheScope): FreshEntry | undefined {
  const entry = readEntry(entryFile(scope));
  if (entry === undefined || entry.fingerprint !== scope.fingerprint) return undefined;
  if (JSON.stringify(entry.scope) !== JSON.stringify(scopeOf(scope)) || entry.absent.some(exists)) return undefined;
  const inputs = verifyStamps(
    entry.inputs.map((input, i) => [input, entry.inputStamps[i]!]),
    entry.writtenAt,
  );
  if (inputs === undefined) return undefined;
  const outputs = outputsMatch(scope.outDir, entry);
  if (outputs === undefined) return undefined;
  if (!inputs.refreshed && !outputs.refreshed) return { entry };
  const refreshed: CacheEntry = {
    ...entry,
    writtenAt: Date.now(),
    inputStamps: inputs.stamps.map(([, stamp]) => stamp),
    outputs: Object.fromEntries(outputs.stamps.map(([, stamp], i) => [outputs.names[i]!, stamp])),
  };
  return { entry, refreshed };
}

/**
 * The entry for a run that read `inputs` and left `files` in the output folder (just written, or compared equal).
 * Undefined when an input vanished or a file is not what was written: nothing to vouch for.
 */
export function newEntry(
  scope: CacheScope,
  run: { inputs: readonly string[]; absent?: readonly string[] },
  files: readonly GeneratedFile[],
  warnings: Diagnostic[],
): CacheEntry | undefined {
  const writtenAt = Date.now();
  const configAbsolute = path.resolve(scope.cwd, scope.configPath);
  const allInputs = [configAbsolute, ...run.inputs.filter((input) => path.resolve(input) !== configAbsolute)];
  // Stamped after the run: an input edited during generation may be cached as its new content (accepted; rare).
  const inputStamps: FileStamp[] = [];
  for (const input of allInputs) {
    const stamp = stampFile(input);
    if (stamp === undefined) return undefined; // An input vanished (or turned unreadable): let the next run report it.
    inputStamps.push(stamp);
  }
  const outputs: Record<string, FileStamp> = {};
  for (const file of files) {
    const stamp = stampWritten(path.join(scope.outDir, file.path), bytesOf(file));
    if (stamp === undefined) return undefined;
    outputs[file.path] = stamp;
  }
  const absent = [...(run.absent ?? [])];
  return { format: FORMAT, fingerprint: scope.fingerprint, scope: scopeOf(scope), writtenAt, inputs: allInputs, inputStamps, absent, outputs, warnings };
}

function scopeOf(scope: CacheScope): CacheEntry["scope"] {
  return [scope.cwd, scope.configPath, scope.outDir];
}

/** Best effort: a read-only or full cache folder only costs speed, never correctness. */
export function writeEntry(scope: CacheScope, entry: CacheEntry): void {
  try {
    const file = entryFile(scope);
    mkdirSync(path.dirname(file), { recursive: true });
    writeAtomically(file, `${JSON.stringify(entry)}\n`);
  } catch {
    // Ignored on purpose (see above).
  }
}

/** The output folder's files, if they are exactly the entry's outputs (besides files the user keeps there). */
function outputsMatch(outDir: string, entry: CacheEntry): { names: string[]; stamps: Stamped; refreshed: boolean } | undefined {
  const names: string[] = [];
  const stamped: Stamped = [];
  for (const file of listFiles(outDir)) {
    const absolute = path.join(outDir, file);
    const stamp = Object.hasOwn(entry.outputs, file) ? entry.outputs[file] : undefined;
    if (stamp === undefined) {
      if (hasGeneratedMarker(absolute)) return undefined; // A leftover the pipeline would remove.
      continue;
    }
    names.push(file);
    stamped.push([absolute, stamp]);
  }
  if (stamped.length !== Object.keys(entry.outputs).length) return undefined;
  const verified = verifyStamps(stamped, entry.writtenAt);
  return verified && { names, ...verified };
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
    Array.isArray(entry.scope) &&
    typeof entry.writtenAt === "number" &&
    Array.isArray(entry.inputs) &&
    entry.inputs.every((input) => typeof input === "string") &&
    Array.isArray(entry.inputStamps) &&
    entry.inputStamps.length === entry.inputs.length &&
    entry.inputStamps.every(isStamp) &&
    Array.isArray(entry.absent) &&
    typeof entry.outputs === "object" &&
    entry.outputs !== null &&
    Object.values(entry.outputs).every(isStamp) &&
    Array.isArray(entry.warnings);
  return valid ? (entry as CacheEntry) : undefined;
}

function isStamp(value: unknown): value is FileStamp {
  const stamp = value as Partial<FileStamp> | null;
  return (
    typeof stamp === "object" &&
    stamp !== null &&
    typeof stamp.size === "number" &&
    typeof stamp.mtimeMs === "number" &&
    typeof stamp.sha256 === "string"
  );
}
