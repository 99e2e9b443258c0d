// The only code that changes the output folder. Each file is replaced atomically (temp file + rename in the same
// directory), so a crash or a concurrent reader never sees half a file.
import { mkdirSync, readdirSync, renameSync, rmdirSync, unlinkSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { OutputPlan } from "./plan.js";

export function applyPlan(plan: OutputPlan): void {
  for (const write of plan.writes) writeAtomically(path.join(plan.outDir, write.path), write.content);
  const touchedDirs = new Set<string>();
  for (const removal of plan.removals) {
    unlinkSync(path.join(plan.outDir, removal));
    touchedDirs.add(path.posix.dirname(removal));
  }
  pruneEmptyDirs(plan.outDir, touchedDirs);
}

export function writeAtomically(file: string, content: Buffer | string): void {
  const dir = path.dirname(file);
  mkdirSync(dir, { recursive: true });
  // Hidden and unique; if a crash strands one, it still carries the marker and the next `gen` removes it.
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    writeFileSync(temp, content);
    renameSync(temp, file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // The temp file was never created, or the rename already consumed it.
    }
    throw error;
  }
}

/** Removes folders emptied by removals, deepest first, up to but excluding the output folder itself. */
function pruneEmptyDirs(outDir: string, dirs: Set<string>): void {
  const candidates = new Set<string>();
  for (let dir of dirs) {
    while (dir !== "." && dir !== "") {
      candidates.add(dir);
      dir = path.posix.dirname(dir);
    }
  }
  const deepestFirst = [...candidates].sort((a, b) => b.split("/").length - a.split("/").length || (a < b ? -1 : a > b ? 1 : 0));
  for (const dir of deepestFirst) {
    const absolute = path.join(outDir, dir);
    if (readdirSync(absolute).length === 0) rmdirSync(absolute);
  }
}
