// TOML text for values `init --from` rewrites (a statement that lost a key): dotted keys down to each leaf, so the
// lines can stand wherever the original statement stood, next to other dotted keys of the same table.
import { isTable } from "../../config/values.js";

/** `a.b.c = value` for every leaf of `value` under `keys`; tables are walked, arrays are written inline. */
export function dottedLines(keys: readonly string[], value: unknown): string[] {
  if (isTable(value)) return Object.entries(value).flatMap(([key, child]) => dottedLines([...keys, key], child));
  return [`${keys.map(tomlKey).join(".")} = ${tomlValue(value)}`];
}

export function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key);
}

function tomlValue(value: unknown): string {
  if (typeof value === "string") return tomlString(value);
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (typeof value === "number") return tomlFloat(value);
  // smol-toml's TomlDate prints itself in the form it was written (offset, local date or time).
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(", ")}]`;
  if (isTable(value)) {
    const entries = Object.entries(value).map(([key, child]) => `${tomlKey(key)} = ${tomlValue(child)}`);
    return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
  }
  throw new Error(`not a TOML value: ${String(value)}`);
}

/** JSON's escapes are TOML's too; TOML also wants DEL escaped. */
function tomlString(text: string): string {
  return JSON.stringify(text).replace(/\u007f/g, "\\u007F");
}

/** Integers arrive as bigint (parsed with integersAsBigInt), so every number here is a float and must look like one. */
function tomlFloat(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  const text = String(value);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}
