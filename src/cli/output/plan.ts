// What `gen` would do to the output folder — computed without touching it, so `--check` is just a non-empty plan.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { GeneratedFile } from "../../emit/files.js";
import { compareCodeUnits, hasGeneratedMarker, isMissing, listFiles } from "./tree.js";

export type StaleReason = "missing" | "changed" | "extra";

export interface PlannedWrite {
  path: string;
  content: Buffer;
  reason: "missing" | "changed";
}

export interface OutputPlan {
  outDir: string;
  writes: PlannedWrite[];
  unchanged: string[];
  /** Files carrying the generated marker that the pipeline no longer produces. */
  removals: string[];
}

export interface StaleFile {
  path: string;
  reason: StaleReason;
}

export function planOutput(outDir: string, files: readonly GeneratedFile[]): OutputPlan {
  assertSafePaths(files);
  const plan: OutputPlan = { outDir, writes: [], unchanged: [], removals: [] };
  const wanted = new Set<string>();
  for (const file of files) {
    wanted.add(file.path);
    const content = Buffer.from(file.content, "utf8");
    const existing = readIfPresent(path.join(outDir, file.path));
    if (existing === undefined) plan.writes.push({ path: file.path, content, reason: "missing" });
    else if (existing.equals(content)) plan.unchanged.push(file.path);
    else plan.writes.push({ path: file.path, content, reason: "changed" });
  }
  for (const existing of listFiles(outDir)) {
    if (!wanted.has(existing) && hasGeneratedMarker(path.join(outDir, existing))) plan.removals.push(existing);
  }
  plan.writes.sort((a, b) => compareCodeUnits(a.path, b.path));
  plan.unchanged.sort(compareCodeUnits);
  return plan;
}

export function staleFiles(plan: OutputPlan): StaleFile[] {
  const stale: StaleFile[] = [
    ...plan.writes.map((write) => ({ path: write.path, reason: write.reason })),
    ...plan.removals.map((removal) => ({ path: removal, reason: "extra" as const })),
  ];
  return stale.sort((a, b) => compareCodeUnits(a.path, b.path));
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if (isMissing(error)) return undefined;
    // A directory where a file should go: report it as changed; the write will then fail with a clear error.
    if ((error as { code?: unknown }).code === "EISDIR") return Buffer.alloc(0);
    throw error;
  }
}

/** Emitters are ours, but a bad path here would write outside the output folder; refuse before touching anything. */
function assertSafePaths(files: readonly GeneratedFile[]): void {
  const seen = new Set<string>();
  for (const file of files) {
    const segments = file.path.split("/");
    const bad =
      file.path === "" ||
      file.path.includes("\\") ||
      path.isAbsolute(file.path) ||
      segments.some((segment) => segment === "" || segment === "." || segment === "..");
    if (bad) throw new Error(`generated file has an unsafe path: ${JSON.stringify(file.path)}`);
    if (seen.has(file.path)) throw new Error(`generated file listed twice: ${file.path}`);
    seen.add(file.path);
  }
}
