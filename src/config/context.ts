// What every reader needs: the file name for locations, key positions, and the diagnostic sink.
import type { SourceLocation } from "../diagnostics.js";
import type { DiagnosticSink } from "./diagnostics.js";
import type { TomlPositions } from "./locate.js";

export interface ReadContext {
  file: string;
  positions: TomlPositions;
  sink: DiagnosticSink;
  /** TOML paths (pathId) whose values were present but rejected: "is required" checks must not fire for them. */
  rejected: Set<string>;
}

export const pathId = (path: readonly string[]): string => JSON.stringify(path);

/** Location of the key at `path`, or of its nearest located ancestor (the scanner may miss exotic syntax). */
export function keyLocation(ctx: ReadContext, path: readonly string[]): SourceLocation {
  return locate(ctx, path, (p) => ctx.positions.key(p));
}

/** Location of the value at `path` (an array element when the last segment is its index). */
export function valueLocation(ctx: ReadContext, path: readonly string[]): SourceLocation {
  return locate(ctx, path, (p) => ctx.positions.value(p));
}

function locate(
  ctx: ReadContext,
  path: readonly string[],
  find: (p: readonly string[]) => { line: number; column: number } | undefined,
): SourceLocation {
  for (let n = path.length; n > 0; n--) {
    const at = find(path.slice(0, n));
    if (at) return { file: ctx.file, line: at.line, column: at.column };
  }
  return { file: ctx.file, line: 1, column: 1 };
}

/** `"name"` for messages. */
export const q = (text: string): string => JSON.stringify(text);

/** A TOML table name as a header would spell it: `[external_services."my.svc".retry]`. */
export function tableName(path: readonly string[]): string {
  return `[${path.map((s) => (/^[A-Za-z0-9_-]+$/.test(s) ? s : JSON.stringify(s))).join(".")}]`;
}
