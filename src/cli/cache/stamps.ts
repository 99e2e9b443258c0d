// A file as a cache entry remembers it: size and mtime, and the sha256 of its bytes. A later run compares size and
// mtime first and hashes only when they differ, so a touched-but-equal file still matches, and a run with nothing
// changed reads no input.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";

export interface FileStamp {
  size: number;
  mtimeMs: number;
  sha256: string;
}

/**
 * A file changed within this long before an entry was written may change again without its mtime moving (coarse
 * file-system clocks): its size and mtime are not trusted, its bytes are compared (git's "racily clean" rule).
 */
const RACY_MS = 2_000;

/**
 * Per process: a file hashed once is not hashed again by another entry (the run entry and a spec entry share
 * inputs), under the same rule as a stored stamp.
 */
const hashed = new Map<string, FileStamp>();

/** The file's stamp now; undefined when it cannot be read. */
export function stampFile(file: string): FileStamp | undefined {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return undefined;
  }
  const known = hashed.get(file);
  if (known !== undefined && known.size === stat.size && known.mtimeMs === stat.mtimeMs && known.mtimeMs + RACY_MS < Date.now()) return known;
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch {
    return undefined;
  }
  const stamp = { size: stat.size, mtimeMs: stat.mtimeMs, sha256: sha256(content) };
  hashed.set(file, stamp);
  return stamp;
}

export type Stamped = Array<[file: string, stamp: FileStamp]>;

/**
 * The files' stamps now, if each still holds the bytes its stamp hashed (undefined at the first that does not).
 * `writtenAt` is when the stamps were stored (ms). `refreshed`: a file had to be hashed (touched, or racy); storing
 * the new stamps with a new `writtenAt` spares the next run that work, as git refreshes its index.
 */
export function verifyStamps(stamped: Stamped, writtenAt: number): { stamps: Stamped; refreshed: boolean } | undefined {
  const stamps: Stamped = [];
  let refreshed = false;
  for (const [file, stamp] of stamped) {
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return undefined;
    }
    if (stat.size !== stamp.size) return undefined;
    if (stat.mtimeMs === stamp.mtimeMs && stamp.mtimeMs + RACY_MS < writtenAt) {
      // Trusted: another entry stamping the same file this run need not hash it either.
      if (!hashed.has(file)) hashed.set(file, stamp);
      stamps.push([file, stamp]);
      continue;
    }
    const now = stampFile(file);
    if (now?.sha256 !== stamp.sha256) return undefined;
    stamps.push([file, now]);
    refreshed = true;
  }
  return { stamps, refreshed };
}

/** A file's stamp from bytes known to be its content (just written, or just compared), without reading it back. */
export function stampWritten(file: string, content: Buffer): FileStamp | undefined {
  try {
    const stat = statSync(file);
    if (stat.size !== content.length) return undefined;
    const stamp = { size: stat.size, mtimeMs: stat.mtimeMs, sha256: sha256(content) };
    hashed.set(file, stamp);
    return stamp;
  } catch {
    return undefined;
  }
}

export function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Whether a file exists at `file` (of any kind): a path a cached load found absent must still be. */
export function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}
