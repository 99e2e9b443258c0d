// What a transport returns and how bodies are decoded. Headers stay in undici's raw list until someone asks, so a
// plain 2xx JSON call never builds a header object.
import { DecodeError, HttpError } from "./errors.js";
import type { ErrorContext } from "./errors.js";
import type { ResponseKind } from "./types.js";

// Default body cap (max_response_bytes) and the error-body limit live in the vocabulary.
export { DEFAULT_MAX_RESPONSE_BYTES, ERROR_BODY_LIMIT } from "./vocabulary.js";

export interface TransportResponse {
  readonly status: number;
  /** `[name, value, name, value, ...]` as undici gives them (Buffers or strings). */
  readonly rawHeaders: readonly (Buffer | string)[];
  /** The whole body; undefined when it was not kept (an `empty` 2xx answer is drained) or when it is streamed. */
  readonly body: Buffer | undefined;
  /** Only an error body can be cut (at ERROR_BODY_LIMIT); a 2xx body past the limit fails the attempt instead. */
  readonly truncated?: boolean;
  /** A 2xx answer of a `responseType: "stream"` call: the body as it arrives. */
  readonly stream?: ReadableStream<Uint8Array>;
}

/**
 * Decoding for a 2xx answer; `auto` (health/ready) is JSON when the answer says so, else text; `content` (request())
 * is JSON when the answer says so, text for `text/*`, else bytes.
 */
export type DecodeKind = ResponseKind | "auto" | "content";

/** First value of header `name` (lower-case), or undefined. */
export function headerValue(raw: readonly (Buffer | string)[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.length !== name.length) continue;
    if (key.toString().toLowerCase() === name) return raw[i + 1]!.toString();
  }
  return undefined;
}

/** Lower-case names; repeated headers joined with `, `. */
export function headerRecord(raw: readonly (Buffer | string)[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]!.toString().toLowerCase();
    const value = raw[i + 1]!.toString();
    const prev = out[key];
    out[key] = prev === undefined ? value : `${prev}, ${value}`;
  }
  return out;
}

/**
 * The server's requested pause in ms: `retry-after-ms`, else `Retry-After` as delta-seconds or an HTTP-date (RFC 9110
 * §10.2.3), relative to `wallNow`. Undefined when absent or unreadable; never negative.
 */
export function retryAfterMs(raw: readonly (Buffer | string)[], wallNow: number): number | undefined {
  const ms = headerValue(raw, "retry-after-ms");
  if (ms !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.ceil(Number(ms));
  const value = headerValue(raw, "retry-after");
  if (value === undefined) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - wallNow);
}

/** `application/json` and `*+json` (parameters ignored): what a client decodes as JSON. */
export function isJsonType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(";", 1)[0]!.trim().toLowerCase();
  return type === "application/json" || type.endsWith("+json");
}

function parseJson(body: Buffer | undefined, context: ErrorContext): unknown {
  if (body === undefined || body.length === 0) return undefined;
  const text = body.toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new DecodeError({ ...context, cause });
  }
}

/** Decodes a successful answer: json → parsed (empty → undefined), text → string, binary → Uint8Array, empty → undefined. */
export function decodeBody(kind: DecodeKind, res: TransportResponse, context: ErrorContext): unknown {
  switch (kind) {
    case "json":
      return parseJson(res.body, context);
    case "text":
      return res.body === undefined ? "" : res.body.toString("utf8");
    case "binary":
      // A Uint8Array view (a Buffer) over the received bytes.
      return res.body === undefined ? new Uint8Array(0) : res.body;
    case "empty":
      return undefined;
    case "auto":
      return decodeErrorBody(res, context);
    case "content":
      return decodeByType(res, context);
  }
}

/** By Content-Type: JSON (`application/json`, `*+json`), text for `text/*`, else bytes; undefined for an empty untyped body. */
function decodeByType(res: TransportResponse, context: ErrorContext): unknown {
  const contentType = headerValue(res.rawHeaders, "content-type");
  if (isJsonType(contentType)) return parseJson(res.body, context);
  if (contentType === undefined && (res.body === undefined || res.body.length === 0)) return undefined;
  if (contentType !== undefined && contentType.trim().toLowerCase().startsWith("text/")) return decodeBody("text", res, context);
  return decodeBody("binary", res, context);
}

/** An error body: parsed JSON when the answer says JSON (text if it does not parse or was cut), else text, undefined when empty. */
export function decodeErrorBody(res: TransportResponse, context: ErrorContext): unknown {
  if (res.body === undefined || res.body.length === 0) return undefined;
  if (res.truncated !== true && isJsonType(headerValue(res.rawHeaders, "content-type"))) {
    try {
      return parseJson(res.body, context);
    } catch {
      return res.body.toString("utf8");
    }
  }
  return res.body.toString("utf8");
}

export function toHttpError(res: TransportResponse, context: ErrorContext): HttpError {
  return new HttpError(res.status, headerRecord(res.rawHeaders), decodeErrorBody(res, context), context, res.truncated === true);
}
