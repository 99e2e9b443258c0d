// Request bodies by kind. A body is "replayable" when it can be sent again on a retry; streams are not, so a call with
// a streaming body is never retried.
import { randomUUID } from "node:crypto";
import type { FormData } from "undici";
import { RAW_KEYS, deepObject, isLeaf } from "./deep-object.js";
import { scalar } from "./params.js";
import { isJsonType } from "./response.js";
import type { BodyEncoding, RequestBodyKind } from "./types.js";

/** What the transport sends. FormData and Blob are re-read on every attempt by undici. */
export type WireBody = string | Uint8Array | FormData | Blob | AsyncIterable<Uint8Array>;

export interface PreparedBody {
  readonly body: WireBody | undefined;
  /** Content-Type to send unless the caller set one; undefined lets undici set it (multipart boundary, Blob type). */
  readonly contentType: string | undefined;
  readonly replayable: boolean;
}

/** The spec's Encoding Object entries (OperationDefinition.body.encoding). */
export type BodyEncodings = readonly BodyEncoding[];

const NONE: PreparedBody = { body: undefined, contentType: undefined, replayable: true };

export function prepareBody(kind: RequestBodyKind, contentType: string, value: unknown, encoding?: BodyEncodings): PreparedBody {
  if (value === undefined) return NONE;
  switch (kind) {
    case "json":
      return { body: JSON.stringify(value), contentType: contentType || "application/json", replayable: true };
    case "text":
      return { body: typeof value === "string" ? value : scalar(value), contentType: contentType || "text/plain; charset=utf-8", replayable: true };
    case "form":
      return { body: formBody(value, encoding), contentType: contentType || "application/x-www-form-urlencoded", replayable: true };
    case "multipart": {
      const multipart = multipartBody(value, encoding);
      return { body: multipart.body, contentType: multipart.contentType, replayable: true };
    }
    case "binary":
      return binaryBody(value, contentType);
  }
}

/** One `key=value` pair before encoding; the value is a leaf (a primitive, Date, Blob or bytes, or JSON-able data). */
type Pair = [key: string, value: unknown];

/**
 * `application/x-www-form-urlencoded` (Encoding Object: OpenAPI 3.0 §4.7.15, 3.1 §4.8.15, styles as in the parameter
 * style table §4.8.12.4). Each top-level property `name` with value `v` and its encoding entry `e`, if any:
 * - no entry (or an entry with neither style nor explode, and no JSON contentType): svcgen's default. Primitives
 *   `name=v`; arrays repeat the key (`name=a&name=b`, i.e. form + explode); objects are written as deepObject.
 * - `style`/`explode` both absent, `contentType` JSON (`application/json`, `*+json`): objects and arrays are sent as
 *   their JSON text, `name={"a":1}` (3.1.1: without style fields the value is serialised by its content type).
 * - otherwise style (default `form`) and explode (default true for `form`, false for the others):
 *   form, explode:  `name=v`; array `name=a&name=b`; object `k1=v1&k2=v2` (the property name is dropped, as OAS says);
 *   form, !explode: array `name=a,b`; object `name=k1,v1,k2,v2`;
 *   spaceDelimited / pipeDelimited, !explode: the same with " " / "|" between; with explode they act as form;
 *   deepObject (explode is moot): the convention in deep-object.ts, the same one queries use. Object `name[k]=v`,
 *   nested `name[k][j]=v`; an array of scalars `name[]=a&name[]=b`; an array holding objects or arrays uses indices
 *   `name[0][type]=eu_vat`; empty arrays and objects write nothing; a primitive is `name=v`.
 * Leaves: strings as given, numbers/booleans via String, Dates as ISO 8601, objects left over as JSON text.
 * undefined and null are skipped. Keys and values are then form-urlencoded by URLSearchParams (space → `+`,
 * `[` → `%5B`, `]` → `%5D`, as in queries). A string or URLSearchParams is sent as given.
 */
export function formBody(value: unknown, encoding?: BodyEncodings): string {
  if (typeof value === "string") return value;
  if (value instanceof URLSearchParams) return value.toString();
  const params = new URLSearchParams();
  if (typeof value === "object" && value !== null) {
    for (const [key, leaf] of formPairs(value as Record<string, unknown>, encoding)) params.append(key, scalar(leaf));
  }
  return params.toString();
}

/** The pairs `formBody` sends, before encoding. */
export function formPairs(value: Readonly<Record<string, unknown>>, encoding?: BodyEncodings): Pair[] {
  const out: Pair[] = [];
  for (const name of Object.keys(value)) {
    const v = value[name];
    const e = entryFor(encoding, name);
    if (e !== undefined && (e.style !== undefined || e.explode !== undefined)) styled(out, name, v, e);
    else if (e?.contentType !== undefined && isJsonType(e.contentType) && typeof v === "object" && v !== null && !isLeaf(v)) out.push([name, JSON.stringify(v)]);
    else nested(out, name, v);
  }
  return out;
}

// Entries by name, built once per definition (a Map: "constructor" or "__proto__" finds nothing it should not).
const byName = new WeakMap<BodyEncodings, ReadonlyMap<string, BodyEncoding>>();

function entryFor(encoding: BodyEncodings | undefined, name: string): BodyEncoding | undefined {
  if (encoding === undefined || encoding.length === 0) return undefined;
  let map = byName.get(encoding);
  if (map === undefined) {
    map = new Map(encoding.map((e) => [e.name, e]));
    byName.set(encoding, map);
  }
  return map.get(name);
}

function isObjectValue(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isLeaf(value);
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** svcgen's default: arrays repeat the key, objects are written as deepObject. */
function nested(out: Pair[], key: string, value: unknown): void {
  if (!present(value)) return;
  if (Array.isArray(value)) {
    for (const item of value) if (present(item)) out.push([key, item]);
  } else if (isObjectValue(value)) {
    deepObject(out, key, value, RAW_KEYS, pair);
  } else {
    out.push([key, value]);
  }
}

/** deepObject's leaf as a pair, encoded later (URLSearchParams for a form, one part each in multipart). */
function pair(out: Pair[], key: string, leaf: unknown): void {
  out.push([key, leaf]);
}

const DELIMITERS = { form: ",", spaceDelimited: " ", pipeDelimited: "|" } as const;

function styled(out: Pair[], name: string, value: unknown, e: BodyEncoding): void {
  const style = e.style ?? "form";
  if (style === "deepObject") {
    deepObject(out, name, value, RAW_KEYS, pair);
    return;
  }
  if (!present(value)) return;
  const explode = e.explode ?? style === "form";
  const delimiter = DELIMITERS[style];
  if (Array.isArray(value)) {
    const items = value.filter(present);
    if (items.length === 0) return;
    if (explode) for (const item of items) out.push([name, item]);
    else out.push([name, items.map(scalar).join(delimiter)]);
  } else if (isObjectValue(value)) {
    const pairs = Object.keys(value).filter((k) => present(value[k]));
    if (pairs.length === 0) return;
    if (explode) for (const k of pairs) out.push([k, value[k]]);
    else out.push([name, pairs.map((k) => `${k}${delimiter}${scalar(value[k])}`).join(delimiter)]);
  } else {
    out.push([name, value]);
  }
}

/** The first type an encoding's `contentType` lists, when it is a concrete, header-safe media type. */
function declaredType(contentType: string | undefined): string | undefined {
  const first = contentType?.split(",")[0]?.trim();
  if (first === undefined || first.includes("*")) return undefined;
  return /^[!#$%&'+.^_`|~0-9A-Za-z-]+\/[!#$%&'+.^_`|~0-9A-Za-z-]+(\s*;[\x20-\x7e]*)?$/.test(first) ? first : undefined;
}

interface Part {
  readonly name: string;
  readonly filename?: string;
  readonly type?: string;
  readonly data: string | Blob | Uint8Array;
}

/**
 * `multipart/form-data` (RFC 7578) from a plain object, one part per property in order (`e`: its encoding entry):
 * - `e` sets style or explode (OpenAPI 3.1 applies them to multipart; Stripe uses deepObject): the value is flattened
 *   by the form rules above and every pair is a part of its own, by the rules below (`file_link_data[create]` = "true").
 * - Blob/File: a file part (a File keeps its name, a Blob is named after its field), Content-Type its own type, else
 *   `e.contentType`, else application/octet-stream. Uint8Array/ArrayBuffer/views: the same, named after the field.
 * - array: one part per item by these rules; when `e.contentType` is JSON, one JSON part of the whole array.
 * - plain object: a field part (no filename) with its JSON text and `Content-Type: application/json` (or
 *   `e.contentType` when that is a JSON type).
 * - string, number, boolean, Date: a text part without Content-Type (text/plain, RFC 7578 §4.4), or with
 *   `e.contentType` when the spec gives one; strings are sent as given.
 * A FormData is sent as given (undici writes its boundary). The body is written here rather than through FormData
 * because FormData cannot give a non-file part a Content-Type: a Blob part would carry `filename="blob"`, and
 * servers (busboy, multer) would take the JSON for an upload.
 */
export function multipartBody(value: unknown, encoding?: BodyEncodings): { body: Blob | FormData; contentType: string | undefined } {
  // Any FormData (undici's or the global one) is sent as given; undici reads both.
  if (Object.prototype.toString.call(value) === "[object FormData]") return { body: value as FormData, contentType: undefined };
  const parts: Part[] = [];
  if (typeof value === "object" && value !== null) {
    for (const name of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[name];
      const e = entryFor(encoding, name);
      const type = declaredType(e?.contentType);
      if (e !== undefined && (e.style !== undefined || e.explode !== undefined)) {
        const pairs: Pair[] = [];
        styled(pairs, name, v, e);
        for (const [key, leaf] of pairs) appendPart(parts, key, leaf, undefined);
      } else if (Array.isArray(v) && !(type !== undefined && isJsonType(type))) {
        for (const item of v) appendPart(parts, name, item, type);
      } else {
        appendPart(parts, name, v, type);
      }
    }
  }
  return encodeParts(parts);
}

function appendPart(parts: Part[], name: string, value: unknown, type: string | undefined): void {
  if (!present(value)) return;
  if (value instanceof Blob) {
    const fileName = (value as { name?: unknown }).name;
    parts.push({ name, filename: typeof fileName === "string" && fileName !== "" ? fileName : name, type: value.type || type || "application/octet-stream", data: value });
  } else if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    parts.push({ name, filename: name, type: type ?? "application/octet-stream", data: bytes });
  } else if (typeof value === "object" && !(value instanceof Date)) {
    parts.push({ name, type: type !== undefined && isJsonType(type) ? type : "application/json", data: JSON.stringify(value) });
  } else {
    parts.push({ name, ...(type !== undefined ? { type } : {}), data: scalar(value) });
  }
}

// As the WHATWG multipart/form-data encoding (and undici) does: line breaks in names and text become CRLF, and
// `"`, CR and LF in quoted names are percent-escaped, so no part can end its header early.
const crlf = (text: string): string => text.replace(/\r?\n|\r/g, "\r\n");
const quoted = (text: string): string => text.replace(/\n/g, "%0A").replace(/\r/g, "%0D").replace(/"/g, "%22");

function encodeParts(parts: readonly Part[]): { body: Blob; contentType: string } {
  const boundary = `----svcgen-${randomUUID()}`;
  const chunks: Array<string | Blob | Uint8Array> = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(crlf(part.name))}"`;
    if (part.filename !== undefined) head += `; filename="${quoted(part.filename)}"`;
    head += part.type !== undefined ? `\r\nContent-Type: ${part.type}\r\n\r\n` : "\r\n\r\n";
    chunks.push(head, typeof part.data === "string" ? crlf(part.data) : part.data, "\r\n");
  }
  chunks.push(`--${boundary}--\r\n`);
  // A Blob of the parts: undici streams it with its length and re-reads it on every attempt.
  return { body: new Blob(chunks as NonNullable<ConstructorParameters<typeof Blob>[0]>), contentType: `multipart/form-data; boundary=${boundary}` };
}

function binaryBody(value: unknown, contentType: string): PreparedBody {
  const type = contentType || "application/octet-stream";
  if (typeof value === "string" || value instanceof Uint8Array) return { body: value, contentType: type, replayable: true };
  if (value instanceof ArrayBuffer) return { body: new Uint8Array(value), contentType: type, replayable: true };
  if (ArrayBuffer.isView(value)) return { body: new Uint8Array(value.buffer, value.byteOffset, value.byteLength), contentType: type, replayable: true };
  if (value instanceof Blob) return { body: value, contentType: contentType || value.type || "application/octet-stream", replayable: true };
  if (typeof value === "object" && value !== null && Symbol.asyncIterator in value) {
    // A web ReadableStream or a Node Readable: sent as it streams, so it can be sent once only.
    return { body: value as AsyncIterable<Uint8Array>, contentType: type, replayable: false };
  }
  return { body: scalar(value), contentType: type, replayable: true };
}

/**
 * The value of a parameter described by `content` (OpenAPI 3.x §4.8.12.3), as the text of its media type: JSON
 * (`application/json`, `*+json`), a URL-encoded form (the form body rules above), else `String(value)` (a string
 * as given). The caller then encodes it as one value for its location: percent-encoded in a path, query or cookie,
 * as is in a header.
 */
export function contentParam(value: unknown, contentType: string): string {
  if (isJsonType(contentType)) return JSON.stringify(value);
  const essence = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  if (essence === "application/x-www-form-urlencoded") return formBody(value);
  return scalar(value);
}
