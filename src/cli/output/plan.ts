// What `gen` would do to the output folder — computed without touching it, so `--check` is just a non-empty plan.
import { readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import type { GeneratedFile } from "../../emit/files.js";
import { bytesOf } from "./bytes.js";
import { LinkFinder } from "./links.js";
import { compareCodeUnits, hasGeneratedMarker, isMissing, listFiles } from "./tree.js";

export type StaleReason = "missing" | "changed" | "extra";

export interface PlannedWrite {
  path: string;
  content: Buffer;
  reason: "missing" | "changed";
}

export interface OutputPlan {
  /** The output folder with symbolic links resolved: a link the user made for the folder itself is followed once, here. */
  outDir: string;
  writes: PlannedWrite[];
  unchanged: string[];
  /** Files carrying the generated marker that the pipeline no longer produces. */
  removals: string[];
  /**
   * Symbolic links inside the output folder that a write or removal would go through (`/`-separated, relative to
   * it, sorted). Non-empty means: refuse the run. Files behind them were not read.
   */
  links: string[];
}

export interface StaleFile {
  path: string;
  reason: StaleReason;
}

export function planOutput(outDir: string, files: readonly GeneratedFile[]): OutputPlan {
  assertSafePaths(files);
  const root = realOutDir(outDir);
  const plan: OutputPlan = { outDir: root, writes: [], unchanged: [], removals: [], links: [] };
  const finder = new LinkFinder(root);
  const links = new Set<string>();
  const wanted = new Set<string>();
  for (const file of files) {
    wanted.add(file.path);
    const link = finder.firstLink(file.path);
    if (link !== undefined) {
      links.add(link); // not read either: --check reports a link, it does not follow it
      continue;
    }
    const content = bytesOf(file);
    const state = compare(path.join(root, file.path), content);
    if (state === "unchanged") plan.unchanged.push(file.path);
    else plan.writes.push({ path: file.path, content, reason: state });
  }
  // listFiles neither follows nor lists links, so no removal can be behind one; checked anyway, at lstat's price.
  for (const existing of listFiles(root)) {
    if (wanted.has(existing) || !hasGeneratedMarker(path.join(root, existing))) continue;
    const link = finder.firstLink(existing);
    if (link === undefined) plan.removals.push(existing);
    else links.add(link);
  }
  plan.links = [...links].sort(compareCodeUnits);
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

/** The output folder's real path (it may itself be a link, e.g. `generated -> ../build/generated`); as given when missing. */
function realOutDir(outDir: string): string {
  try {
    return realpathSync(outDir);
  } catch (error) {
    if (isMissing(error)) return outDir;
    throw error;
  }
}

/** The file's bytes are read only when its size is that of `content`: another size is a change already. */
function compare(file: string, content: Buffer): PlannedWrite["reason"] | "unchanged" {
  let size: number;
  try {
    const stat = statSync(file);
    // A directory where a file should go: report it as changed; the write will then fail with a clear error.
    if (!stat.isFile()) return "changed";
    size = stat.size;
  } catch (error) {
    if (isMissing(error)) return "missing";
    throw error;
  }
  if (size !== content.length) return "changed";
  try {
    return readFileSync(file).equals(content) ? "unchanged" : "changed";
  } catch (error) {
    if (isMissing(error)) return "missing"; // removed between the stat and the read
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
