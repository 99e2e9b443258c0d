// The one deepObject convention, shared by query parameters (params.ts) and form/multipart bodies (body.ts).
// OpenAPI defines deepObject for one level of scalars only (`color[R]=100`); arrays and nesting are left undefined.
// svcgen writes what Stripe documents and what qs, PHP and Rack parse into nested values:
//   nested objects   a[b][c]=v
//   array of scalars expand[]=a&expand[]=b
//   array holding any object or array: indices for every item, items[0][price]=x&items[0][quantity]=1
//   (`items[][price]=x&items[][quantity]=1` is ambiguous: PHP reads two objects there, Rack one)
// undefined and null are skipped, and so are empty arrays and objects (they write nothing); indices count only the
// items that wrote something, so the server always reads a dense list. A top-level scalar is `name=v`.
// Brackets go out as %5B/%5D in queries and bodies alike: queries write keys percent-encoded as they are built
// (PERCENT_KEYS, each name encoded once, not the whole key once per leaf); form bodies build them raw (RAW_KEYS) and
// URLSearchParams encodes the pair, which gives the same %5B/%5D.

/** Receives each leaf: `out` is the caller's accumulator, passed through so no closure is made per call. */
export type LeafSink<T> = (out: T, key: string, leaf: unknown) => void;

/** How a key is written: the bracket texts and how one property name is escaped. */
export interface KeyWriter {
  readonly open: string;
  readonly close: string;
  readonly name: (name: string) => string;
}

/** Keys for a query string: `a%5Bb%5D%5B%5D`, every name percent-encoded. */
export const PERCENT_KEYS: KeyWriter = { open: "%5B", close: "%5D", name: encodeURIComponent };

/** Keys left for the caller to encode (form bodies through URLSearchParams, multipart part names): `a[b][]`. */
export const RAW_KEYS: KeyWriter = { open: "[", close: "]", name: (name) => name };

/** Values sent as one scalar (or one multipart part), never walked into. */
export function isLeaf(value: object): boolean {
  return value instanceof Date || value instanceof Blob || value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

/** A value deepObject walks into: an array or an object that is not a leaf. */
function isBranch(value: unknown): value is object {
  return typeof value === "object" && value !== null && !isLeaf(value);
}

/** Calls `sink` for every leaf of `value` under the parameter or property `name`; true when it wrote anything. */
export function deepObject<T>(out: T, name: string, value: unknown, keys: KeyWriter, sink: LeafSink<T>): boolean {
  return walk(out, keys.name(name), value, keys, sink);
}

function walk<T>(out: T, key: string, value: unknown, keys: KeyWriter, sink: LeafSink<T>): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) {
    let scalars = true;
    for (const item of value) {
      if (isBranch(item)) {
        scalars = false;
        break;
      }
    }
    if (scalars) {
      const itemKey = key + keys.open + keys.close;
      let wrote = false;
      for (const item of value) {
        if (item === undefined || item === null) continue;
        sink(out, itemKey, item);
        wrote = true;
      }
      return wrote;
    }
    let index = 0;
    for (const item of value) if (walk(out, key + keys.open + index + keys.close, item, keys, sink)) index++;
    return index > 0;
  }
  if (isBranch(value)) {
    let wrote = false;
    const record = value as Record<string, unknown>;
    for (const k of Object.keys(record)) if (walk(out, key + keys.open + keys.name(k) + keys.close, record[k], keys, sink)) wrote = true;
    return wrote;
  }
  sink(out, key, value);
  return true;
}
