// Where a fact came from and what went wrong: the leaf every stage (config, specs, model, mesh, lint) reports with.
// It imports nothing, so no stage depends on another just to say where a problem is.

/** Where a fact came from: a TOML position (1-based line/column) or a JSON pointer into a spec. */
export interface SourceLocation {
  /** Path as shown to the user (relative to the working directory), with `/` separators. */
  file: string;
  line?: number;
  column?: number;
  /** RFC 6901 pointer into a spec document, e.g. `#/paths/~1users~1{id}/get`. */
  pointer?: string;
}

/** One problem found while reading inputs. Collected, sorted, printed as `file:line:col: error: message`. */
export interface Diagnostic {
  severity: "error" | "warning";
  /** Stable code, e.g. `config/unknown-key`, `openapi/invalid`. */
  code: string;
  message: string;
  location: SourceLocation;
}
