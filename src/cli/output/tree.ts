// Reading the output folder: which files exist, and which of them svcgen wrote (by the marker near the top).
import { closeSync, openSync, readdirSync, readSync } from "node:fs";
import path from "node:path";
import { GENERATED_MARKER } from "../../emit/files.js";

/** Never descended into: not ours, and potentially huge. */
const SKIPPED_DIRS = new Set([".git", "node_modules"]);

/** Regular files under `dir`, `/`-separated and relative to it, sorted. Missing `dir` → []. Symlinks are ignored. */
export function listFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (absolute: string, relative: string): void => {
    let entries;
    try {
      entries = readdirSync(absolute, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error) && relative === "") return;
      throw error;
    }
    for (const entry of entries) {
      const childRelative = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(path.join(absolute, entry.name), childRelative);
      } else if (entry.isFile()) {
        found.push(childRelative);
      }
    }
  };
  walk(dir, "");
  return found.sort(compareCodeUnits);
}

/** Only the head is read: the marker is on the first line, and generated/ may hold a user's large files too. */
const HEAD_BYTES = 4096;
const MARKER_LINES = 3;

export function hasGeneratedMarker(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const length = readSync(fd, head, 0, HEAD_BYTES, 0);
    const lines = head.subarray(0, length).toString("utf8").split("\n", MARKER_LINES);
    return lines.some((line) => line.includes(GENERATED_MARKER));
  } finally {
    closeSync(fd);
  }
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isMissing(error: unknown): boolean {
  return (error as { code?: unknown }).code === "ENOENT";
}
