// Parameter serialisation per OpenAPI 3 `style`/`explode` (spec §4.8.12.4 "Style Values" and its examples table).
// Values: strings as given, numbers/booleans/bigints via String, Dates as ISO 8601, other objects as JSON.
// `undefined` and `null` are skipped (query, header, cookie); a missing path parameter is an error for the caller.
import { PERCENT_KEYS, deepObject } from "./deep-object.js";
import type { ParamDefinition, ParamStyle } from "./types.js";

const enc = encodeURIComponent;

export function scalar(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return String(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Object entries with undefined/null values dropped, in insertion order. */
function entries(value: Record<string, unknown>): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v !== undefined && v !== null) out.push([key, v]);
  }
  return out;
}

/** One path parameter (`simple` default, `label`, `matrix`), percent-encoded. */
export function pathParam(name: string, value: unknown, style: ParamStyle, explode: boolean): string {
  if (Array.isArray(value)) {
    const items = value.filter((v) => v !== undefined && v !== null).map((v) => enc(scalar(v)));
    if (style === "label") return "." + items.join(explode ? "." : ",");
    if (style === "matrix") {
      if (items.length === 0) return ";" + enc(name);
      return explode ? items.map((v) => `;${enc(name)}=${v}`).join("") : `;${enc(name)}=${items.join(",")}`;
    }
    return items.join(",");
  }
  if (isPlainObject(value)) {
    const pairs = entries(value);
    if (style === "label") {
      return "." + (explode ? pairs.map(([k, v]) => `${enc(k)}=${enc(scalar(v))}`).join(".") : pairs.map(([k, v]) => `${enc(k)},${enc(scalar(v))}`).join(","));
    }
    if (style === "matrix") {
      return explode
        ? pairs.map(([k, v]) => `;${enc(k)}=${enc(scalar(v))}`).join("")
        : `;${enc(name)}=` + pairs.map(([k, v]) => `${enc(k)},${enc(scalar(v))}`).join(",");
    }
    return explode ? pairs.map(([k, v]) => `${enc(k)}=${enc(scalar(v))}`).join(",") : pairs.map(([k, v]) => `${enc(k)},${enc(scalar(v))}`).join(",");
  }
  const text = enc(scalar(value));
  if (style === "label") return "." + text;
  if (style === "matrix") return `;${enc(name)}=${text}`;
  return text;
}

/**
 * Appends one query parameter (`form` default, `spaceDelimited`, `pipeDelimited`, `deepObject`) to `out`.
 * deepObject follows the convention in deep-object.ts, the same one form bodies use: `filter%5Bstatus%5D=open`,
 * `expand%5B%5D=a&expand%5B%5D=b`, `items%5B0%5D%5Bprice%5D=x`.
 */
export function queryParam(out: string[], name: string, value: unknown, style: ParamStyle, explode: boolean): void {
  if (value === undefined || value === null) return;
  if (style === "deepObject") {
    deepObject(out, name, value, PERCENT_KEYS, queryPair);
    return;
  }
  const key = enc(name);
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (const v of value) if (v !== undefined && v !== null) items.push(enc(scalar(v)));
    if (items.length === 0) return;
    if (explode) {
      for (const v of items) out.push(`${key}=${v}`);
    } else {
      out.push(`${key}=${items.join(delimiter(style))}`);
    }
    return;
  }
  if (isPlainObject(value)) {
    const pairs = entries(value);
    if (pairs.length === 0) return;
    if (explode) {
      for (const [k, v] of pairs) out.push(`${enc(k)}=${enc(scalar(v))}`);
    } else {
      out.push(`${key}=` + pairs.map(([k, v]) => `${enc(k)}${delimiter(style)}${enc(scalar(v))}`).join(delimiter(style)));
    }
    return;
  }
  out.push(`${key}=${enc(scalar(value))}`);
}

function delimiter(style: ParamStyle): string {
  if (style === "spaceDelimited") return "%20";
  if (style === "pipeDelimited") return "|";
  return ",";
}

/** deepObject's leaf as a query pair; the key comes percent-encoded, brackets included (`a%5Bb%5D`). */
function queryPair(out: string[], key: string, leaf: unknown): void {
  out.push(`${key}=${enc(scalar(leaf))}`);
}

/** A header parameter (`simple` style); undefined when the value is absent. Header values are not percent-encoded. */
export function headerParam(value: unknown, explode: boolean): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.filter((v) => v !== undefined && v !== null).map(scalar).join(",");
  if (isPlainObject(value)) {
    const pairs = entries(value);
    return explode ? pairs.map(([k, v]) => `${k}=${scalar(v)}`).join(",") : pairs.map(([k, v]) => `${k},${scalar(v)}`).join(",");
  }
  return scalar(value);
}

/** `name=value` pairs for the Cookie header (`form` style; arrays and objects comma-joined unless exploded). */
export function cookiePairs(out: string[], name: string, value: unknown, explode: boolean): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    const items = value.filter((v) => v !== undefined && v !== null).map((v) => enc(scalar(v)));
    if (explode) for (const v of items) out.push(`${name}=${v}`);
    else out.push(`${name}=${items.join(",")}`);
    return;
  }
  if (isPlainObject(value)) {
    const pairs = entries(value);
    if (explode) for (const [k, v] of pairs) out.push(`${k}=${enc(scalar(v))}`);
    else out.push(`${name}=` + pairs.map(([k, v]) => `${enc(k)},${enc(scalar(v))}`).join(","));
    return;
  }
  out.push(`${name}=${enc(scalar(value))}`);
}

/** Defaults per location when the operation does not list a parameter (OpenAPI defaults). */
export function defaultParam(name: string, location: ParamDefinition["in"]): ParamDefinition {
  if (location === "query") return { name, in: location, style: "form", explode: true };
  if (location === "cookie") return { name, in: location, style: "form", explode: true };
  return { name, in: location, style: "simple", explode: false };
}
