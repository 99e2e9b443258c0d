// One cache entry per spec load (src/specs/cache.ts): a run in which one spec changed loads that spec only, and an
// edit to services.toml alone loads none. An entry is used while svcgen (its fingerprint), the load's settings and
// the bytes of every file the load read are the same, and every path it found absent still is.
//
// File: a 4-byte length, the header as JSON (enough to decide), then the load as v8.serialize() data: the bytes a
// worker thread hands back, so the model round-trips exactly (undefined, key order, -0) and a load from a worker
// thread is stored without being serialized again on the main thread.
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, utimesSync } from "node:fs";
import path from "node:path";
import { deserialize, serialize } from "node:v8";
import type { CachedLoad, SpecCache } from "../../specs/cache.js";
import { writeAtomically } from "../output/apply.js";
import { cacheDir } from "./entry.js";
import { exists, sha256, stampFile, verifyStamps, type FileStamp } from "./stamps.js";

// 3: OpenApiModel.typesSource (text) became typesBody (bytes).
const FORMAT = 3;

/** An entry no run has used for this long is removed (a spec no longer named, another project path, an old svcgen). */
const UNUSED_MS = 30 * 24 * 60 * 60 * 1000;

interface Header {
  format: typeof FORMAT;
  fingerprint: string;
  /** v8.serialize()'s format may change with the engine. */
  v8: string;
  key: string;
  /** CachedLoad.at: where services.toml named the spec when it was loaded. */
  at: CachedLoad["at"];
  /** When the stamps were taken (ms since the epoch). */
  writtenAt: number;
  inputs: Array<[string, FileStamp]>;
  absent: string[];
}

export interface SpecCacheScope {
  cwd: string;
  configPath: string;
  fingerprint: string;
  env: Record<string, string | undefined>;
  /** Whether the cache may write this file (not through a link inside the output folder). */
  mayWrite(file: string): boolean;
}

export class SpecDiskCache implements SpecCache {
  /** Keys served from disk this run, and keys stored. */
  readonly hits: string[] = [];
  readonly stored: string[] = [];
  private pruned = false;

  constructor(private readonly scope: SpecCacheScope) {}

  get(key: string): CachedLoad | undefined {
    const file = this.file(key);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      return undefined;
    }
    try {
      const length = bytes.readUInt32LE(0);
      const header = JSON.parse(bytes.toString("utf8", 4, 4 + length)) as Header;
      if (!this.matches(header, key) || header.absent.some(exists)) return undefined;
      const inputs = verifyStamps(header.inputs, header.writtenAt);
      if (inputs === undefined) return undefined;
      const payload = bytes.subarray(4 + length);
      const cached: CachedLoad = { at: header.at, load: deserialize(payload) as CachedLoad["load"] };
      this.hits.push(key);
      // Inputs that had to be hashed get today's stamps, so the next run compares sizes and mtimes only; otherwise
      // the entry's mtime says it is in use (prune()).
      if (inputs.refreshed) this.write(file, { ...header, writtenAt: Date.now(), inputs: inputs.stamps }, payload);
      else touch(file);
      return cached;
    } catch {
      return undefined; // Truncated or corrupt: a miss, and overwritten by this run's load.
    }
  }

  set(key: string, cached: CachedLoad, startedAt: number, serialized?: Uint8Array): void {
    const inputs: Array<[string, FileStamp]> = [];
    for (const input of cached.load.inputs) {
      const stamp = stampFile(input);
      // Gone, or changed since the load began: what was loaded may not be what is there now.
      if (stamp === undefined || stamp.mtimeMs > startedAt) return;
      inputs.push([input, stamp]);
    }
    const header: Header = {
      format: FORMAT,
      fingerprint: this.scope.fingerprint,
      v8: process.versions.v8,
      key,
      at: cached.at,
      writtenAt: Date.now(),
      inputs,
      absent: cached.load.absent ?? [],
    };
    const file = this.file(key);
    // After this run's lookups (loadSpecs asks for every load before storing any): entries in use are marked.
    if (this.scope.mayWrite(file)) this.prune(path.dirname(file));
    if (this.write(file, header, serialized ?? serialize(cached.load))) this.stored.push(key);
  }

  private write(file: string, header: Header, payload: Uint8Array): boolean {
    if (!this.scope.mayWrite(file)) return false;
    const head = Buffer.from(JSON.stringify(header), "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32LE(head.length, 0);
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeAtomically(file, Buffer.concat([length, head, payload]));
      return true;
    } catch {
      return false; // Best effort, like the run's entry: a read-only or full cache folder costs speed, never correctness.
    }
  }

  private matches(header: Header, key: string): boolean {
    return (
      header.format === FORMAT &&
      header.fingerprint === this.scope.fingerprint &&
      header.v8 === process.versions.v8 &&
      header.key === key &&
      typeof header.at === "object" &&
      header.at !== null &&
      Array.isArray(header.inputs) &&
      Array.isArray(header.absent)
    );
  }

  /** Once per run that stores a load: entries unused for UNUSED_MS go, so the folder does not grow for ever. */
  private prune(dir: string): void {
    if (this.pruned) return;
    this.pruned = true;
    const before = Date.now() - UNUSED_MS;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      try {
        const file = path.join(dir, name);
        if (statSync(file).mtimeMs < before) unlinkSync(file);
      } catch {
        // Gone already, or not ours to remove: the next run tries again.
      }
    }
  }

  /** One file per project and load: a changed spec replaces its entry rather than adding one. */
  private file(key: string): string {
    const config = path.resolve(this.scope.cwd, this.scope.configPath);
    const id = sha256(`${this.scope.cwd}\0${config}\0${key}`).slice(0, 32);
    return path.join(cacheDir(this.scope.cwd, this.scope.env), "specs", `${id}.bin`);
  }
}

function touch(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // Best effort: at worst the entry is pruned while still in use, and loaded again.
  }
}
