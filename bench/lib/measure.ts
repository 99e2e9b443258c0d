// Runs one command as a child process and measures wall time and (for Node children) peak RSS and CPU time.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";

const PRELOAD = pathToFileURL(fileURLToPath(new URL("./usage-preload.mjs", import.meta.url))).href;

export interface Measured {
  ms: number;
  /** Peak resident set size in MiB; undefined when the child did not report it. */
  peakMiB?: number;
  /** CPU time of the child (user + system, all its threads) in ms; undefined when the child did not report it. */
  cpuMs?: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  /** Node flags before the script (e.g. `--import tsx`). */
  nodeFlags?: string[];
  /** Preload the peak-RSS and CPU-time reporter into the child. */
  measureUsage?: boolean;
  /** Extra environment variables for the child. */
  env?: Record<string, string>;
}

/** `node [flags] script ...args`, timed from spawn to exit (so Node start-up counts, as it does for a user). */
export async function runNode(script: string, args: string[], options: RunOptions): Promise<Measured> {
  const flags = [...(options.measureUsage ? ["--import", PRELOAD] : []), ...(options.nodeFlags ?? [])];
  const scratch = options.measureUsage ? mkdtempSync(join(tmpdir(), "svcgen-bench-usage-")) : undefined;
  const usageFile = scratch ? join(scratch, "usage.json") : undefined;
  const env = { ...process.env, ...options.env, ...(usageFile ? { BENCH_USAGE_FILE: usageFile } : {}) };
  const started = performance.now();
  const child = spawn(process.execPath, [...flags, script, ...args], { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (exitCode) => resolve(exitCode));
  });
  const ms = performance.now() - started;
  let usage: { maxRSS: number; cpu: number } | undefined;
  if (usageFile && scratch) {
    try {
      usage = JSON.parse(readFileSync(usageFile, "utf8")) as { maxRSS: number; cpu: number };
    } catch {
      usage = undefined; // the child died before its exit handler ran
    }
    rmSync(scratch, { recursive: true, force: true });
  }
  return {
    ms,
    ...(usage === undefined ? {} : { peakMiB: usage.maxRSS / 1024, cpuMs: usage.cpu / 1000 }),
    code,
    stdout: Buffer.concat(stdout).toString("utf8"),
    stderr: Buffer.concat(stderr).toString("utf8"),
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Last lines of a failed command's output, for the report. */
export function tail(text: string, lines = 15): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
