// Values read whole rather than flattened into the layer: arrays of tables (`[[…mesh.routes]]`), tables whose keys
// the user chooses (subsets, pod labels, header names, weights) and `false | table` switches. Each is checked
// against the key table all the way down, so a typo anywhere gets its position and a did-you-mean, and the result
// is plain data (integers as numbers) that later stages read without checking types again.
import { type ReadContext, keyLocation, q, tableName, valueLocation } from "./context.js";
import { checkFormat } from "./formats.js";
import type { TableSpec, ValueSpec } from "./keys.js";
import { checkTableRules } from "./table-rules.js";
import { reportUnknownKey } from "./unknown-key.js";
import { type Result, checkValue } from "./values.js";

const FAILED: Result = { ok: false };

/** Whether a key's value is kept whole at its key instead of being flattened key by key. */
export function isWhole(spec: ValueSpec): boolean {
  return spec.kind === "tables" || spec.kind === "values" || (spec.kind === "table" && (spec.orFalse === true || spec.orString !== undefined));
}

/** `value` has passed checkValue(spec); checks what is inside it. Every problem is reported; any one fails the value. */
export function readWhole(spec: ValueSpec, value: unknown, path: readonly string[], ctx: ReadContext): Result {
  switch (spec.kind) {
    case "table":
      return readTableWhole(spec, value, path, ctx);
    case "tables": {
      const items = value as unknown[];
      const out: unknown[] = [];
      let ok = true;
      items.forEach((item, index) => {
        const at = [...path, String(index)];
        const read = checkValue(spec.entry, item, at, ctx);
        const whole = read.ok ? readTableWhole(spec.entry, read.value, at, ctx) : FAILED;
        if (whole.ok) out.push(whole.value);
        else ok = false;
      });
      return ok ? { ok: true, value: out } : FAILED;
    }
    case "values": {
      const table = value as Record<string, unknown>;
      if (spec.minItems !== undefined && Object.keys(table).length < spec.minItems) {
        ctx.sink.error("config/invalid-value", `${q(path[path.length - 1] ?? "")} must not be empty`, valueLocation(ctx, path));
        return FAILED;
      }
      const out: Record<string, unknown> = {};
      let ok = true;
      for (const name of Object.keys(table)) {
        const at = [...path, name];
        if (name === "") {
          ctx.sink.error("config/invalid-key", `empty key in ${tableName(path)}`, keyLocation(ctx, at));
          ok = false;
          continue;
        }
        const key = spec.keyFormat ? checkFormat(spec.keyFormat, name) : undefined;
        if (key !== undefined && !key.ok) {
          ctx.sink.error("config/invalid-key", `key ${q(name)} in ${tableName(path)} ${key.problem}`, keyLocation(ctx, at));
          ok = false;
          continue;
        }
        const read = checkValue(spec.value, table[name], at, ctx);
        const whole = read.ok && isWholeOrNested(spec.value) ? readWhole(spec.value, read.value, at, ctx) : read;
        if (whole.ok) out[name] = whole.value;
        else ok = false;
      }
      return ok ? { ok: true, value: out } : FAILED;
    }
    default:
      return { ok: true, value };
  }
}

function isWholeOrNested(spec: ValueSpec): boolean {
  return spec.kind === "table" || isWhole(spec);
}

function readTableWhole(spec: TableSpec, value: unknown, path: readonly string[], ctx: ReadContext): Result {
  if (value === false && spec.orFalse) return { ok: true, value: false };
  if (typeof value === "string" && spec.orString !== undefined) {
    const key = spec.orString;
    const read = checkValue(spec.keys[key]!.value, value, path, ctx);
    return read.ok ? { ok: true, value: { [key]: read.value } } : FAILED;
  }
  const table = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let ok = checkTableRules(spec, table, path, ctx);
  for (const key of Object.keys(table)) {
    const keySpec = Object.hasOwn(spec.keys, key) ? spec.keys[key] : undefined;
    if (keySpec === undefined) {
      reportUnknownKey(key, spec, path, ctx);
      ok = false;
      continue;
    }
    const at = [...path, key];
    const read = checkValue(keySpec.value, table[key], at, ctx);
    const whole = read.ok && isWholeOrNested(keySpec.value) ? readWhole(keySpec.value, read.value, at, ctx) : read;
    if (whole.ok) out[key] = whole.value;
    else ok = false;
  }
  return ok ? { ok: true, value: out } : FAILED;
}
