// What every spec format implements: what of a service it reads, and how one spec is loaded from that alone.
// generate.ts knows no format by name; it runs the loaders the registry (registry.ts) lists.
import path from "node:path";
import type { ServiceConfig } from "../config/types.js";
import type { Diagnostic, SourceLocation } from "../diagnostics.js";

export interface SpecContext {
  /** The config file's folder (absolute): spec paths in services.toml are relative to it. */
  configDir: string;
  /** How diagnostics name a file: relative to the working directory, `/`-separated. */
  show(abs: string): string;
}

/** The context as plain data (what a worker thread is sent); specContext() rebuilds it. */
export interface SpecPlace {
  configDir: string;
  cwd: string;
}

export function specContext(place: SpecPlace): SpecContext {
  return { configDir: place.configDir, show: (abs) => showPath(place.cwd, abs) };
}

/** A file as diagnostics name it: relative to where the user stands, so editors can jump to it. */
export function showPath(cwd: string, abs: string): string {
  return (path.relative(cwd, abs) || path.basename(abs)).split(path.sep).join("/");
}

export interface SpecLoad<M> {
  /** Absent when the spec has an error (its diagnostics say which). */
  model?: M;
  /** Errors and warnings, files named with `ctx.show`; a missing entry file is reported at its TOML key. */
  diagnostics: Diagnostic[];
  /** Absolute paths of every file read, for the CLI's content-hash caches. */
  inputs: string[];
  /**
   * Absolute paths looked for and not found on the way to a file that was (an import searched along several
   * folders): a file appearing there would change the result, so a cached load is only valid while they stay absent.
   */
  absent?: string[];
}

/**
 * What load() reads of a service, as plain data: it is all a worker thread is sent, and, but for `at`, part of a
 * cached load's key (with the contents of the load's inputs), so a setting load() needs must be in it.
 */
export interface SpecSettings {
  /**
   * Where services.toml names the spec: the only place in the config a load's diagnostics may point at. Not part of
   * the key, so an edit that moves the line does not reload the spec: a cached load's diagnostics located here are
   * moved to where the key is now.
   */
  at: SourceLocation;
}

export interface SpecLoader<K extends string = string, S extends SpecSettings = SpecSettings, M = unknown> {
  /** The model builder receives this format's models under this name. */
  readonly kind: K;
  /** The service's settings for this format; undefined when services.toml names no spec of this format for it. */
  settings(service: ServiceConfig): S | undefined;
  /** A rough cost (bytes of the entry files), so the biggest loads start first when several run in parallel. */
  weight(settings: S, ctx: SpecContext): number;
  load(settings: S, ctx: SpecContext): Promise<SpecLoad<M>>;
}
