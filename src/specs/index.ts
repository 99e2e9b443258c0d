// The registry of spec formats. generate.ts runs every loader here for every service that names a spec of its
// format; a new format is its own folder with a SpecLoader (loader.ts) and one line in SPEC_LOADERS.
import type { ServiceConfig } from "../config/types.js";
import type { Diagnostic } from "../diagnostics.js";
import type { SpecContext, SpecLoader } from "./loader.js";
import { openapiLoader } from "./openapi/loader.js";
import { protoLoader } from "./proto/loader.js";

export type { SpecContext, SpecLoad, SpecLoader } from "./loader.js";

export const SPEC_LOADERS = [openapiLoader, protoLoader] as const;

type Registered = (typeof SPEC_LOADERS)[number];
type ModelOf<L> = L extends SpecLoader<string, infer M> ? M : never;

/** Each format's models by service key: `{ openapi: Map<key, OpenApiModel>, proto: Map<key, ProtoModel> }`. */
export type LoadedSpecs = { [L in Registered as L["kind"]]: Map<string, ModelOf<L>> };

export interface LoadSpecsResult {
  specs: LoadedSpecs;
  /** Every format's diagnostics, in registry order, then service order (the caller sorts). */
  diagnostics: Diagnostic[];
  /** Absolute paths of every file read. */
  inputs: string[];
  /** Keys of services with a spec that did not load: what depends on that spec cannot be checked this run. */
  failed: Set<string>;
}

/** Loads every spec every service names, all at once; one failure does not stop the others. */
export async function loadSpecs(services: readonly ServiceConfig[], ctx: SpecContext): Promise<LoadSpecsResult> {
  const specs = Object.fromEntries(SPEC_LOADERS.map((loader) => [loader.kind, new Map()])) as LoadedSpecs;
  const jobs = SPEC_LOADERS.flatMap((loader: Registered) =>
    services.filter((s) => loader.wants(s)).map(async (service) => ({ loader, service, loaded: await loader.load(service, ctx) })),
  );
  const result: LoadSpecsResult = { specs, diagnostics: [], inputs: [], failed: new Set() };
  // Promise.all keeps the jobs' order, so inputs and diagnostics do not depend on which file was read first.
  for (const { loader, service, loaded } of await Promise.all(jobs)) {
    result.diagnostics.push(...loaded.diagnostics);
    result.inputs.push(...loaded.inputs);
    if (loaded.model === undefined) result.failed.add(service.key);
    else (specs[loader.kind] as Map<string, unknown>).set(service.key, loaded.model);
  }
  return result;
}
