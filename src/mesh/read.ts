// Typed reads of raw mesh settings (as smol-toml gave them), each failure a diagnostic at the key's TOML position.
import { suggest } from "../config/suggest.js";
import type { Diagnostic, ServiceModel, SourceLocation } from "../model/types.js";

export type Locate = (keyPath: string[]) => SourceLocation | undefined;

export class SettingsReader {
  readonly diagnostics: Diagnostic[] = [];
  readonly #service: ServiceModel;
  readonly #locate: Locate;

  constructor(service: ServiceModel, locate: Locate) {
    this.#service = service;
    this.#locate = locate;
  }

  /** `mesh.retries.attempts` → the key as written; used in every message. */
  name(path: readonly string[]): string {
    return ["mesh", ...path].join(".");
  }

  /**
   * Position of a service key (`["mesh", "retries"]`, `["retry", "max_attempts"]`): the service's own table, then
   * [defaults], then the nearest written parent, then the service itself.
   */
  at(path: readonly string[]): SourceLocation {
    return this.find(path) ?? this.#service.location;
  }

  /** Like `at`, without the fallback to the service: undefined when the key is not written anywhere. */
  find(path: readonly string[]): SourceLocation | undefined {
    for (let n = path.length; n > 0; n--) {
      const prefix = path.slice(0, n);
      const found =
        this.#locate(["external_services", this.#service.key, ...prefix]) ?? this.#locate(["defaults", ...prefix]);
      if (found) return found;
    }
    return undefined;
  }

  /** Position of a key written in the service's own table, exactly (no [defaults], no parent). */
  own(path: readonly string[]): SourceLocation | undefined {
    return this.#locate(["external_services", this.#service.key, ...path]);
  }

  error(code: string, message: string, path: readonly string[]): void {
    this.diagnostics.push({ severity: "error", code, message, location: this.at(["mesh", ...path]) });
  }

  warning(code: string, message: string, path: readonly string[]): void {
    this.diagnostics.push({ severity: "warning", code, message, location: this.at(["mesh", ...path]) });
  }

  /** Reports keys of `table` outside `known`, with a suggestion; returns false when any was found. */
  knownKeys(table: Record<string, unknown>, known: readonly string[], path: readonly string[]): boolean {
    let ok = true;
    for (const key of Object.keys(table).sort()) {
      if (known.includes(key)) continue;
      const hint = suggest(key, known);
      this.error(
        "mesh/unknown-key",
        `unknown key ${this.name([...path, key])}${hint ? ` (did you mean "${hint}"?)` : ""}; known keys: ${known.join(", ")}`,
        [...path, key],
      );
      ok = false;
    }
    return ok;
  }

  table(value: unknown, path: readonly string[]): Record<string, unknown> | undefined {
    if (isTable(value)) return value;
    this.error("mesh/invalid", `${this.name(path)} must be a table, got ${describe(value)}`, path);
    return undefined;
  }

  integer(value: unknown, path: readonly string[], min: number, max = 2_147_483_647): number | undefined {
    if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return value;
    this.error("mesh/invalid", `${this.name(path)} must be an integer from ${min} to ${max}, got ${describe(value)}`, path);
    return undefined;
  }

  number(value: unknown, path: readonly string[], min: number, max: number): number | undefined {
    if (typeof value === "number" && Number.isFinite(value) && value >= min && value <= max) return value;
    this.error("mesh/invalid", `${this.name(path)} must be a number from ${min} to ${max}, got ${describe(value)}`, path);
    return undefined;
  }

  boolean(value: unknown, path: readonly string[]): boolean | undefined {
    if (typeof value === "boolean") return value;
    this.error("mesh/invalid", `${this.name(path)} must be true or false, got ${describe(value)}`, path);
    return undefined;
  }

  /** A string that passes `check`; `rule` says what was expected. */
  string(value: unknown, path: readonly string[], check: (s: string) => boolean, rule: string): string | undefined {
    if (typeof value === "string" && check(value)) return value;
    this.error("mesh/invalid", `${this.name(path)} must be ${rule}, got ${describe(value)}`, path);
    return undefined;
  }

  /** A table that is `false` to switch a derived resource off. */
  tableOrFalse(value: unknown, path: readonly string[]): Record<string, unknown> | false | undefined {
    if (value === false) return false;
    if (isTable(value)) return value;
    this.error("mesh/invalid", `${this.name(path)} must be a table or false, got ${describe(value)}`, path);
    return undefined;
  }
}

export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short, single-line rendering of a value for messages (JSON, truncated). */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (isTable(value)) return "a table";
  if (Array.isArray(value)) return "an array";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
