// The registry of spec formats: a new format is its own folder with a SpecLoader (loader.ts) and one line here.
// Only the loaders' light parts load with it; each imports its parser on first use.
import type { SpecLoader, SpecSettings } from "./loader.js";
import { openapiLoader } from "./openapi/loader.js";
import { protoLoader } from "./proto/loader.js";

export const SPEC_LOADERS = [openapiLoader, protoLoader] as const;

export type RegisteredLoader = (typeof SPEC_LOADERS)[number];

/** Any registered loader, as code that does not care which format it handles sees it. */
export type AnyLoader = SpecLoader<string, SpecSettings, unknown>;

export function loaderOf(kind: string): AnyLoader {
  const loader = SPEC_LOADERS.find((l) => l.kind === kind);
  if (loader === undefined) throw new Error(`no spec loader for ${JSON.stringify(kind)}`);
  return loader as unknown as AnyLoader;
}
