// What loadSpecs needs of a cache of loads kept between runs; the CLI's disk cache implements it
// (src/cli/cache/specs.ts). A load is looked up by its format and settings; it is only handed back while every input
// it read is unchanged, which the implementation checks.
import type { SourceLocation } from "../diagnostics.js";
import type { SpecLoad, SpecSettings } from "./loader.js";

export interface CachedLoad {
  /** Where services.toml named the spec when it was loaded (its diagnostics there follow the key: relocate()). */
  at: SourceLocation;
  load: SpecLoad<unknown>;
}

/** loadSpecs asks for every load it needs before it stores any. */
export interface SpecCache {
  get(key: string): CachedLoad | undefined;
  /**
   * Only loads without errors are offered. `startedAt` (ms since the epoch): an input changed after it is not trusted.
   * `serialized` is `v8.serialize(cached.load)` when a worker thread made it already (it loaded the spec).
   */
  set(key: string, cached: CachedLoad, startedAt: number, serialized?: Uint8Array): void;
}

/** One load per distinct key: the format and every setting the loader reads but where the config names it. */
export function loadKey(kind: string, settings: SpecSettings): string {
  const { at: _at, ...rest } = settings;
  return JSON.stringify([kind, rest]);
}

/** The load as the service at `to` sees it: its diagnostics at the spec's key in services.toml moved there. */
export function relocate<M>(load: SpecLoad<M>, from: SourceLocation, to: SourceLocation): SpecLoad<M> {
  if (sameLocation(from, to)) return load;
  const diagnostics = load.diagnostics.map((d) => (sameLocation(d.location, from) ? { ...d, location: to } : d));
  return { ...load, diagnostics };
}

function sameLocation(a: SourceLocation, b: SourceLocation): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column && a.pointer === b.pointer;
}
