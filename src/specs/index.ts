// Loads every spec the services name, each on its own: one load per distinct spec (services naming the same spec the
// same way share it), taken from the cache when its inputs are unchanged, and the rest on several threads when there
// are several. Results are assembled in registry order, then service order, whatever finished first.
import { availableParallelism } from "node:os";
import type { ServiceConfig } from "../config/types.js";
import type { Diagnostic } from "../diagnostics.js";
import { loadKey, relocate, type CachedLoad, type SpecCache } from "./cache.js";
import { specContext, type SpecLoad, type SpecPlace } from "./loader.js";
import type { QueuedLoad } from "./queue.js";
import { SPEC_LOADERS, loaderOf, type AnyLoader, type RegisteredLoader } from "./registry.js";

export type { CachedLoad, SpecCache } from "./cache.js";
export type { SpecContext, SpecLoad, SpecLoader, SpecPlace, SpecSettings } from "./loader.js";
export { SPEC_LOADERS } from "./registry.js";

type ModelOf<L> = L extends { load(...args: never[]): Promise<SpecLoad<infer M>> } ? M : never;

/** Each format's models by service key: `{ openapi: Map<key, OpenApiModel>, proto: Map<key, ProtoModel> }`. */
export type LoadedSpecs = { [L in RegisteredLoader as L["kind"]]: Map<string, ModelOf<L>> };

export interface LoadSpecsResult {
  specs: LoadedSpecs;
  /** Every format's diagnostics, in registry order, then service order (the caller sorts). */
  diagnostics: Diagnostic[];
  /** Absolute paths of every file read. */
  inputs: string[];
  /** Absolute paths looked for and not found before a file that was read (SpecLoad.absent): none may appear. */
  absent: string[];
  /** Keys of services with a spec that did not load: what depends on that spec cannot be checked this run. */
  failed: Set<string>;
  /** Threads that loaded specs this run, the main thread included (1 when at most one spec was loaded). */
  threads: number;
}

export interface LoadSpecsOptions {
  /** Loads kept between runs; without it every spec is loaded. */
  cache?: SpecCache;
  /**
   * Threads that may load at once, the main thread included; 1 starts none. Default: os.availableParallelism() when
   * the loads besides the largest hold a megabyte of spec or more, else 1.
   */
  threads?: number;
}

/** Loads every spec every service names; one failure does not stop the others. */
export async function loadSpecs(services: readonly ServiceConfig[], place: SpecPlace, options: LoadSpecsOptions = {}): Promise<LoadSpecsResult> {
  const jobs = SPEC_LOADERS.flatMap((registered) => {
    const loader = registered as unknown as AnyLoader;
    return services.flatMap((service) => {
      const settings = loader.settings(service);
      return settings === undefined ? [] : [{ loader, service, settings, key: loadKey(loader.kind, settings) }];
    });
  });

  const done = new Map<string, CachedLoad>();
  const misses: QueuedLoad[] = [];
  const missKeys: string[] = [];
  for (const { loader, settings, key } of jobs) {
    if (done.has(key) || missKeys.includes(key)) continue; // a handful of services: a list is fine
    const cached = options.cache?.get(key);
    if (cached !== undefined) done.set(key, cached);
    else {
      misses.push({ kind: loader.kind, settings });
      missKeys.push(key);
    }
  }

  const startedAt = Date.now();
  // Several loads are spread over threads by weight (the spec's size); the sizes also decide whether threads pay.
  const weights = misses.length < 2 ? [] : misses.map((load) => loaderOf(load.kind).weight(load.settings, specContext(place)));
  const threads = Math.max(1, Math.min(options.threads ?? defaultThreads(weights), misses.length));
  // Stored as each arrives: a cache write is then done while the main thread would wait for another thread.
  const store = (index: number, load: SpecLoad<unknown>, serialized?: Uint8Array): void => {
    const fresh: CachedLoad = { at: misses[index]!.settings.at, load };
    done.set(missKeys[index]!, fresh);
    if (load.model !== undefined && !load.diagnostics.some((d) => d.severity === "error")) {
      options.cache?.set(missKeys[index]!, fresh, startedAt, serialized);
    }
  };
  await loadAll(misses, weights, place, threads, store);

  const specs = Object.fromEntries(SPEC_LOADERS.map((loader) => [loader.kind, new Map()])) as LoadedSpecs;
  const result: LoadSpecsResult = { specs, diagnostics: [], inputs: [], absent: [], failed: new Set(), threads };
  for (const { loader, service, settings, key } of jobs) {
    const { at, load } = done.get(key)!;
    const { diagnostics, inputs, absent, model } = relocate(load, at, settings.at);
    result.diagnostics.push(...diagnostics);
    result.inputs.push(...inputs);
    result.absent.push(...(absent ?? []));
    if (model === undefined) result.failed.add(service.key);
    else (specs[loader.kind as keyof LoadedSpecs] as Map<string, unknown>).set(service.key, model);
  }
  return result;
}

/**
 * A worker thread starts by loading the parsers (~0.4 s of CPU), which a load of about a megabyte of spec text costs as
 * well. Below that much work besides the largest load (which one thread takes anyway), threads only add time.
 */
const THREADED_BYTES = 1 << 20;

function defaultThreads(weights: readonly number[]): number {
  if (weights.length < 2) return 1;
  const beyondLargest = weights.reduce((sum, w) => sum + w, 0) - Math.max(...weights);
  return beyondLargest < THREADED_BYTES ? 1 : availableParallelism();
}

/** One load runs here, as before threads; several go to threads.ts (loaded only then, with its worker machinery). */
async function loadAll(
  loads: readonly QueuedLoad[],
  weights: readonly number[],
  place: SpecPlace,
  threads: number,
  loaded: (index: number, load: SpecLoad<unknown>, serialized?: Uint8Array) => void,
): Promise<void> {
  const ctx = specContext(place);
  const loaders = loads.map((load) => loaderOf(load.kind));
  if (threads < 2) {
    await Promise.all(loads.map(async (load, i) => loaded(i, await loaders[i]!.load(load.settings, ctx))));
    return;
  }
  const { loadInThreads } = await import("./threads.js");
  await loadInThreads(loads, weights, place, threads, loaded);
}
