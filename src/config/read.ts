// Reads one TOML table against a TableSpec into a flat layer: `retry.max_attempts` → value with its positions.
// Invalid values are reported and left out, so the layer below still supplies a value and errors do not cascade.
import type { SourceLocation } from "../diagnostics.js";
import { type ReadContext, keyLocation, pathId, tableName, valueLocation } from "./context.js";
import type { TableSpec } from "./keys.js";
import { checkTableRules } from "./table-rules.js";
import { reportUnknownKey } from "./unknown-key.js";
import { checkValue } from "./values.js";
import { isWhole, readWhole } from "./whole.js";

/** Where a value came from, lowest first; later layers override earlier ones key by key. */
export type LayerName = "builtin" | "resilience" | "defaults" | "service";

export interface Sourced {
  value: unknown;
  layer: LayerName;
  /** Absent for built-in defaults. */
  keyAt?: SourceLocation;
  valueAt?: SourceLocation;
}

/**
 * Values by dotted spec path (`retry.max_attempts`, `mesh.retries.attempts`); values kept whole (arrays of tables,
 * tables of user-chosen names, `false | table`) sit at their key (`mesh.routes`) as checked plain data.
 */
export type Layer = Map<string, Sourced>;

/** A `map` entry (an operation): its name, where it is, and its own fields. */
export interface MapEntry {
  name: string;
  keyAt: SourceLocation;
  fields: Layer;
}

export function readTable(
  raw: Record<string, unknown>,
  spec: TableSpec,
  path: readonly string[],
  layer: LayerName,
  ctx: ReadContext,
  out: Layer = new Map(),
  prefix = "",
): Layer {
  checkTableRules(spec, raw, path, ctx);
  for (const key of Object.keys(raw)) {
    const keyPath = [...path, key];
    const value = raw[key];
    const at = (): Pick<Sourced, "keyAt" | "valueAt"> => ({
      keyAt: keyLocation(ctx, keyPath),
      valueAt: valueLocation(ctx, keyPath),
    });
    const keySpec = Object.hasOwn(spec.keys, key) ? spec.keys[key] : undefined;
    if (keySpec === undefined) {
      reportUnknownKey(key, spec, path, ctx);
      continue;
    }
    const checked = checkValue(keySpec.value, value, keyPath, ctx);
    if (!checked.ok) {
      ctx.rejected.add(pathId(keyPath));
      continue;
    }
    const valueSpec = keySpec.value;
    if (isWhole(valueSpec)) {
      const whole = readWhole(valueSpec, checked.value, keyPath, ctx);
      if (whole.ok) out.set(prefix + key, { value: whole.value, layer, ...at() });
      else ctx.rejected.add(pathId(keyPath));
    } else if (valueSpec.kind === "table") {
      readTable(checked.value as Record<string, unknown>, valueSpec, keyPath, layer, ctx, out, `${prefix}${key}.`);
    } else if (valueSpec.kind === "map") {
      const entries = readMap(checked.value as Record<string, unknown>, valueSpec.entry, keyPath, layer, ctx);
      out.set(prefix + key, { value: entries, layer, ...at() });
    } else {
      out.set(prefix + key, { value: checked.value, layer, ...at() });
    }
  }
  return out;
}

function readMap(
  raw: Record<string, unknown>,
  entry: TableSpec,
  path: readonly string[],
  layer: LayerName,
  ctx: ReadContext,
): MapEntry[] {
  const entries: MapEntry[] = [];
  for (const name of Object.keys(raw)) {
    const entryPath = [...path, name];
    const keyAt = keyLocation(ctx, entryPath);
    if (name === "") {
      ctx.sink.error("config/invalid-key", `empty key in ${tableName(path)}`, keyAt);
      continue;
    }
    const checked = checkValue(entry, raw[name], entryPath, ctx);
    if (!checked.ok) continue;
    entries.push({ name, keyAt, fields: readTable(checked.value as Record<string, unknown>, entry, entryPath, layer, ctx) });
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export { reportUnknownKey };
