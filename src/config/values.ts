// Type and range checks for one TOML value against its ValueSpec, with the messages users see.
// smol-toml runs with integersAsBigInt, so integers arrive as bigint and floats as number: `3.0` is not an integer.
import { type ReadContext, q, valueLocation } from "./context.js";
import { checkFormat } from "./formats.js";
import { RETRY_ON_WORDS } from "../runtime/vocabulary.js";
import type { ValueSpec } from "./keys.js";
import { suggest } from "./suggest.js";

export type Result = { ok: true; value: unknown } | { ok: false };

const FAILED: Result = { ok: false };

export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** How a wrong value is shown after "got": strings quoted, numbers as TOML writes them, containers by kind. */
export function describeGot(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "nan";
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
    return Number.isInteger(value) ? value.toFixed(1) : String(value);
  }
  // smol-toml's TomlDate extends Date.
  if (value instanceof Date) return "a date";
  if (Array.isArray(value)) return "an array";
  return "a table";
}

/** The phrase after "must be". */
export function expectation(spec: ValueSpec): string {
  switch (spec.kind) {
    case "integer":
      if (spec.unit === undefined) return `an integer from ${spec.min} to ${spec.max}`;
      return `${spec.min === 0 ? "a non-negative" : "a positive"} integer (${spec.unit})`;
    case "number":
      return spec.minExclusive
        ? `a number greater than ${spec.min} and at most ${spec.max}`
        : `a number from ${spec.min} to ${spec.max}`;
    case "boolean":
      return "true or false";
    case "string":
      return spec.enum ? `one of ${spec.enum.map(q).join(", ")}` : "a string";
    case "strings":
      return spec.single ? "a string or an array of strings" : "an array of strings";
    case "retry-on":
      return 'an array of "connect", "timeout" and HTTP status codes';
    case "table":
      return spec.orFalse ? "a table or false" : spec.orString ? "a string or a table" : "a table";
    case "map":
    case "values":
      return "a table";
    case "tables":
      return "an array of tables";
  }
}

/** Checks `value` (found at `path`, named by its last segment); reports at the value; returns it normalised. */
export function checkValue(spec: ValueSpec, value: unknown, path: readonly string[], ctx: ReadContext): Result {
  const name = q(path[path.length - 1] ?? "");
  const report = (message: string, at: readonly string[] = path): Result => {
    ctx.sink.error("config/invalid-value", message, valueLocation(ctx, at));
    return FAILED;
  };
  const wrong = (hint?: string): Result =>
    report(`${name} must be ${expectation(spec)}, got ${describeGot(value)}${hint ? `; did you mean ${q(hint)}?` : ""}`);

  switch (spec.kind) {
    case "integer":
      if (typeof value !== "bigint" || value < BigInt(spec.min)) return wrong();
      if (spec.max !== undefined && value > BigInt(spec.max)) {
        if (spec.unit === undefined) return wrong();
        return report(`${name} must be ${expectation(spec)} no greater than ${spec.max}, got ${value}`);
      }
      return { ok: true, value: Number(value) };
    case "number": {
      const n = typeof value === "bigint" ? Number(value) : value;
      if (typeof n !== "number" || Number.isNaN(n)) return wrong();
      if ((spec.minExclusive ? n <= spec.min : n < spec.min) || n > spec.max) return wrong();
      return { ok: true, value: n };
    }
    case "boolean":
      return typeof value === "boolean" ? { ok: true, value } : wrong();
    case "string": {
      if (typeof value !== "string") return wrong();
      if (spec.enum) return spec.enum.includes(value) ? { ok: true, value } : wrong(suggest(value, spec.enum));
      if (!spec.format) return { ok: true, value };
      const checked = checkFormat(spec.format, value);
      if (checked.ok) return checked;
      return report(`${name} ${checked.problem}${checked.showValue ? `, got ${describeGot(value)}` : ""}`);
    }
    case "strings": {
      // A bare-string `proto = "a.proto"` has no element positions: its problems are reported at the value.
      const single = spec.single === true && typeof value === "string";
      const items: unknown = single ? [value] : value;
      if (!Array.isArray(items)) return wrong();
      if (spec.minItems !== undefined && items.length < spec.minItems) return report(`${name} must not be empty`);
      const out: unknown[] = [];
      let ok = true;
      items.forEach((item: unknown, index) => {
        const at = single ? path : [...path, String(index)];
        const subject = single ? name : `${name} entries`;
        if (typeof item !== "string") {
          ok = false;
          report(`${subject} must be strings, got ${describeGot(item)}`, at);
          return;
        }
        if (spec.enum !== undefined) {
          if (spec.enum.includes(item)) {
            if (!out.includes(item)) out.push(item);
            return;
          }
          ok = false;
          const hint = suggest(item, spec.enum);
          report(`${subject} must be one of ${spec.enum.map(q).join(", ")}, got ${describeGot(item)}${hint ? `; did you mean ${q(hint)}?` : ""}`, at);
          return;
        }
        const checked = spec.format ? checkFormat(spec.format, item) : { ok: true as const, value: item };
        if (checked.ok) {
          out.push(checked.value);
          return;
        }
        ok = false;
        report(`${subject} ${checked.problem}${checked.showValue ? `, got ${describeGot(item)}` : ""}`, at);
      });
      return ok ? { ok: true, value: out } : FAILED;
    }
    case "retry-on": {
      if (!Array.isArray(value)) return wrong();
      const out: (string | number)[] = [];
      let ok = true;
      value.forEach((item: unknown, index) => {
        if (typeof item === "string" && (RETRY_ON_WORDS as readonly string[]).includes(item)) out.push(item);
        else if (typeof item === "bigint" && item >= 100n && item <= 599n) out.push(Number(item));
        else {
          ok = false;
          const hint = typeof item === "string" ? suggest(item, RETRY_ON_WORDS) : undefined;
          report(
            `${name} entries must be "connect", "timeout" or an HTTP status code from 100 to 599, ` +
              `got ${describeGot(item)}${hint ? `; did you mean ${q(hint)}?` : ""}`,
            [...path, String(index)],
          );
        }
      });
      return ok ? { ok: true, value: out } : FAILED;
    }
    case "table":
      if (spec.orFalse && value === false) return { ok: true, value };
      if (spec.orString !== undefined && typeof value === "string") return { ok: true, value };
      return isTable(value) ? { ok: true, value } : wrong();
    case "map":
    case "values":
      return isTable(value) ? { ok: true, value } : wrong();
    case "tables":
      return Array.isArray(value) ? { ok: true, value } : wrong();
  }
}
