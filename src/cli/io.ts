// What every command gets: the process seams (so tests can run main in-process) and the injectable pipeline.
import type { GenerateRequest, GenerateResult } from "../generate.js";
import type { Clock } from "../runtime/clock.js";

export interface TextOut {
  write(text: string): unknown;
}

export interface CliIo {
  /** Absolute directory that relative flags resolve against. */
  cwd: string;
  stdout: TextOut;
  stderr: TextOut;
  env: Record<string, string | undefined>;
}

export type GenerateFn = (request: GenerateRequest) => Promise<GenerateResult>;

export interface MainOptions {
  /** Replaces the real pipeline (tests). Default: src/generate.ts, imported only when actually needed. */
  generate?: GenerateFn;
  /** Replaces svcgen's own fingerprint in the cache key (tests simulate an upgrade with it). */
  fingerprint?: string;
  /** Stops `gen --watch`, which then returns 0. Default: the process's SIGINT (Ctrl-C); tests cannot send that to themselves. */
  signal?: AbortSignal;
  /** Timers for `gen --watch`'s debounce; tests step them by hand (test/support/stepped-clock.ts). Default: real timers. */
  clock?: Clock;
}

/** Lazy on purpose: openapi-typescript (and the TypeScript compiler it loads) takes most of a second to load, and the cache fast path needs neither. */
export const loadRealGenerate: GenerateFn = async (request) => {
  const { generate } = await import("../generate.js");
  return generate(request);
};
