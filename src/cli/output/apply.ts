// The only code that changes the output folder. Each file is replaced atomically (temp file + rename in the same
// directory), so a crash or a concurrent reader never sees half a file. Nothing goes through a symbolic link inside
// the folder: the plan refuses them up front, and each folder and file is looked at again (lstat) right before it is
// created, written or removed, so a link that appeared since is refused instead of followed.
import { closeSync, constants, mkdirSync, openSync, readdirSync, renameSync, rmdirSync, unlinkSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { OutputLinkError, entryKind } from "./links.js";
import type { OutputPlan } from "./plan.js";

export function applyPlan(plan: OutputPlan): void {
  const { outDir } = plan;
  if (plan.links.length > 0) throw new OutputLinkError(path.join(outDir, plan.links[0]!));
  if (plan.writes.length > 0) mkdirSync(outDir, { recursive: true }); // above the output folder: the user's own path
  for (const write of plan.writes) {
    makeFoldersBelow(outDir, path.posix.dirname(write.path));
    writeAtomically(path.join(outDir, write.path), write.content);
  }
  const touchedDirs = new Set<string>();
  for (const removal of plan.removals) {
    const file = path.join(outDir, removal);
    refuseLinksOnTheWay(outDir, removal);
    unlinkSync(file);
    touchedDirs.add(path.posix.dirname(removal));
  }
  pruneEmptyDirs(outDir, touchedDirs);
}

/**
 * Writes `file` by way of a new temp file in its folder, then renames it over `file`. The temp file is created
 * exclusively and without following a link (O_EXCL | O_NOFOLLOW), and a link at `file` is refused, not replaced.
 * The folder must exist.
 */
export function writeAtomically(file: string, content: Buffer | string): void {
  const dir = path.dirname(file);
  // Hidden and unique; if a crash strands one, it still carries the marker and the next `gen` removes it.
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const fd = openSync(temp, CREATE_NEW, 0o666);
    try {
      writeFileSync(fd, content);
    } finally {
      closeSync(fd);
    }
    if (entryKind(file) === "link") throw new OutputLinkError(file);
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

/** O_NOFOLLOW is POSIX-only; O_EXCL alone already refuses an existing link on Windows. */
const CREATE_NEW = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0);

/** `mkdir -p` of `relativeDir` below `root`, one level at a time, refusing a link instead of following it. */
function makeFoldersBelow(root: string, relativeDir: string): void {
  if (relativeDir === ".") return;
  let at = root;
  for (const segment of relativeDir.split("/")) {
    at = path.join(at, segment);
    const kind = entryKind(at);
    if (kind === "link") throw new OutputLinkError(at);
    if (kind === "present") continue; // a file here makes the write fail with ENOTDIR: an I/O error, reported as such
    try {
      mkdirSync(at);
    } catch (error) {
      if ((error as { code?: unknown }).code !== "EEXIST") throw error;
      // Created meanwhile by someone else: fine unless it is a link.
      if (entryKind(at) === "link") throw new OutputLinkError(at);
    }
  }
}

/** Throws when any folder on the way to `relative`, or the entry itself, is a link. */
function refuseLinksOnTheWay(root: string, relative: string): void {
  let at = root;
  for (const segment of relative.split("/")) {
    at = path.join(at, segment);
    if (entryKind(at) === "link") throw new OutputLinkError(at);
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
    // rmdir never follows a link (it fails on one), but reading it would: look first.
    if (entryKind(absolute) !== "present") continue;
    if (readdirSync(absolute).length === 0) rmdirSync(absolute);
  }
}
