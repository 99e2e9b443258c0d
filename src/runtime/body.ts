// Request bodies by kind. A body is "replayable" when it can be sent again on a retry; streams are not, so a call with
// a streaming body is never retried.
import { FormData } from "undici";
import { scalar } from "./params.js";
import type { RequestBodyKind } from "./types.js";

/** What the transport sends. FormData and Blob are re-read on every attempt by undici. */
export type WireBody = string | Uint8Array | FormData | Blob | AsyncIterable<Uint8Array>;

export interface PreparedBody {
  readonly body: WireBody | undefined;
  /** Content-Type to send unless the caller set one; undefined lets undici set it (multipart boundary, Blob type). */
  readonly contentType: string | undefined;
  readonly replayable: boolean;
}

const NONE: PreparedBody = { body: undefined, contentType: undefined, replayable: true };

export function prepareBody(kind: RequestBodyKind, contentType: string, value: unknown): PreparedBody {
  if (value === undefined) return NONE;
  switch (kind) {
    case "json":
      return { body: JSON.stringify(value), contentType: contentType || "application/json", replayable: true };
    case "text":
      return { body: typeof value === "string" ? value : scalar(value), contentType: contentType || "text/plain; charset=utf-8", replayable: true };
    case "form":
      return { body: formBody(value), contentType: contentType || "application/x-www-form-urlencoded", replayable: true };
    case "multipart":
      // undici writes `multipart/form-data; boundary=...` itself; a fixed Content-Type would lose the boundary.
      return { body: multipartBody(value), contentType: undefined, replayable: true };
    case "binary":
      return binaryBody(value, contentType);
  }
}

/**
 * `application/x-www-form-urlencoded`: arrays repeat the key (`a=1&a=2`); nested objects use bracket keys
 * (`a[b]=1`, as deepObject); Dates are ISO strings. A string or URLSearchParams is sent as given.
 */
export function formBody(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof URLSearchParams) return value.toString();
  const params = new URLSearchParams();
  if (typeof value === "object" && value !== null) appendForm(params, "", value as Record<string, unknown>);
  return params.toString();
}

function appendForm(params: URLSearchParams, prefix: string, value: Record<string, unknown>): void {
  for (const key of Object.keys(value)) {
    const v = value[key];
    const name = prefix === "" ? key : `${prefix}[${key}]`;
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) {
      for (const item of v) if (item !== undefined && item !== null) params.append(name, scalar(item));
    } else if (typeof v === "object" && !(v instanceof Date)) {
      appendForm(params, name, v as Record<string, unknown>);
    } else {
      params.append(name, scalar(v));
    }
  }
}

/**
 * `multipart/form-data` from a plain object: Blob/File values are file parts (a File keeps its name, a Blob is named
 * after its field), Uint8Array/ArrayBuffer become file parts named after their field, arrays add one part per item,
 * other objects are sent as JSON text, everything else as text. A FormData is sent as given.
 */
export function multipartBody(value: unknown): FormData {
  // Any FormData (undici's or the global one) is sent as given; undici reads both.
  if (Object.prototype.toString.call(value) === "[object FormData]") return value as FormData;
  const form = new FormData();
  if (typeof value !== "object" || value === null) return form;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (Array.isArray(v)) for (const item of v) appendPart(form, key, item);
    else appendPart(form, key, v);
  }
  return form;
}

function appendPart(form: FormData, name: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (value instanceof Blob) {
    const fileName = (value as { name?: unknown }).name;
    form.append(name, value, typeof fileName === "string" && fileName !== "" ? fileName : name);
  } else if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
    form.append(name, new Blob([value]), name);
  } else {
    form.append(name, scalar(value));
  }
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
