// Where mesh findings point: a service key's TOML position (its own table, then [defaults], then the nearest written
// parent, then the service), and the findings collected while one service's mesh is resolved.
import type { Diagnostic, SourceLocation } from "../diagnostics.js";

/** Finds a TOML key's position from its full key path (`["external_services", "x", "mesh", "retries"]`). */
export type Locate = (keyPath: string[]) => SourceLocation | undefined;

export class MeshReport {
  readonly diagnostics: Diagnostic[] = [];
  readonly #key: string;
  readonly #location: SourceLocation;
  readonly #locate: Locate;

  constructor(service: { key: string; location: SourceLocation }, locate: Locate) {
    this.#key = service.key;
    this.#location = service.location;
    this.#locate = locate;
  }

  /** `mesh.retries.attempts` → the key as written; used in every message. */
  name(path: readonly string[]): string {
    return ["mesh", ...path].join(".");
  }

  /** Position of a service key (`["mesh", "retries"]`, `["retry", "max_attempts"]`), else of the service. */
  at(path: readonly string[]): SourceLocation {
    return this.find(path) ?? this.#location;
  }

  /** Like `at`, without the fallback to the service: undefined when the key is not written anywhere. */
  find(path: readonly string[]): SourceLocation | undefined {
    for (let n = path.length; n > 0; n--) {
      const prefix = path.slice(0, n);
      const found = this.#locate(["external_services", this.#key, ...prefix]) ?? this.#locate(["defaults", ...prefix]);
      if (found) return found;
    }
    return undefined;
  }

  /** Position of a key written in the service's own table, exactly (no [defaults], no parent). */
  own(path: readonly string[]): SourceLocation | undefined {
    return this.#locate(["external_services", this.#key, ...path]);
  }

  error(code: string, message: string, path: readonly string[]): void {
    this.diagnostics.push({ severity: "error", code, message, location: this.at(["mesh", ...path]) });
  }

  warning(code: string, message: string, path: readonly string[]): void {
    this.diagnostics.push({ severity: "warning", code, message, location: this.at(["mesh", ...path]) });
  }

  /** An error at a service key outside the mesh table (`url`, `namespace`). */
  errorAt(code: string, message: string, path: readonly string[]): void {
    this.diagnostics.push({ severity: "error", code, message, location: this.at(path) });
  }
}
