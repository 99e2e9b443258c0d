// What every spec format implements: which services it reads a spec for, and how one service's spec is loaded.
// generate.ts knows no format by name; it runs the loaders the registry (index.ts) lists.
import type { ServiceConfig } from "../config/types.js";
import type { Diagnostic } from "../diagnostics.js";

export interface SpecContext {
  /** The config file's folder (absolute): spec paths in services.toml are relative to it. */
  configDir: string;
  /** How diagnostics name a file: relative to the working directory, `/`-separated. */
  show(abs: string): string;
}

export interface SpecLoad<M> {
  /** Absent when the spec has an error (its diagnostics say which). */
  model?: M;
  /** Errors and warnings, files named with `ctx.show`; a missing entry file is reported at its TOML key. */
  diagnostics: Diagnostic[];
  /** Absolute paths of every file read, for the CLI's content-hash cache. */
  inputs: string[];
}

export interface SpecLoader<K extends string = string, M = unknown> {
  /** The model builder receives this format's models under this name. */
  readonly kind: K;
  /** Whether services.toml names a spec of this format for the service. */
  wants(service: ServiceConfig): boolean;
  load(service: ServiceConfig, ctx: SpecContext): Promise<SpecLoad<M>>;
}
