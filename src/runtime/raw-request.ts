// `request()`: a call no spec describes, built into the same WireRequest an operation makes, so it runs through the
// same chain. Its operation is made per call from the method alone: idempotent iff RFC 9110 says the method is
// (vocabulary.ts, the one copy of that rule), and named `request` in events, errors and middleware (a fixed name
// keeps metrics and logs from growing one series per path; middleware sees `method` and `path`).
import { RequestError } from "./errors.js";
import { callHeaders } from "./request.js";
import { isIdempotentMethod } from "./vocabulary.js";
import type { WireBody } from "./body.js";
import type { WireRequest } from "./chain.js";
import type { CallOptions, OperationDefinition, QueryValue, RawRequest } from "./types.js";

/** The operation name of every `request()` call. */
export const RAW_OPERATION = "request";

/** The per-call operation: `binary` keeps every 2xx body, which the client then decodes by its content type. */
export function rawOperation(method: string, path: string): OperationDefinition {
  return { id: RAW_OPERATION, method, path, idempotent: isIdempotentMethod(method), params: [], response: "binary" };
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * @param clientHeaders lower-cased names (the client lower-cases its option once)
 */
export function buildRawRequest(
  service: string,
  params: RawRequest,
  basePath: string,
  clientHeaders: Readonly<Record<string, string>>,
  options: CallOptions | undefined,
  clientRequestId = true,
): WireRequest {
  const method = typeof params.method === "string" ? params.method.toUpperCase() : "";
  if (!TOKEN.test(method)) throw new RequestError(`request(): "${String(params.method)}" is not an HTTP method`, { service, operation: RAW_OPERATION });
  if (typeof params.path !== "string") throw new RequestError("request(): path must be a string", { service, operation: RAW_OPERATION });
  let path = basePath + (params.path.startsWith("/") ? params.path : `/${params.path}`);
  const query = params.query === undefined ? "" : queryString(params.query);
  if (query !== "") path += (path.includes("?") ? "&" : "?") + query;

  const headers: Record<string, string> = Object.assign({}, clientHeaders); // not a spread: see request.ts
  const own = params.headers;
  if (own !== undefined) for (const name of Object.keys(own)) headers[name.toLowerCase()] = own[name]!;
  callHeaders(headers, options, clientRequestId);

  const prepared = rawBody(params.body);
  if (prepared.contentType !== undefined && headers["content-type"] === undefined) headers["content-type"] = prepared.contentType;
  return { method, path, headers, body: prepared.body, replayable: prepared.replayable, template: undefined };
}

/** Form, explode: `a=1&tag=x&tag=y`, keys and values percent-encoded; undefined and null left out. */
export function queryString(query: Readonly<Record<string, QueryValue>>): string {
  const parts: string[] = [];
  for (const name of Object.keys(query)) {
    const value = query[name];
    const key = encodeURIComponent(name);
    if (Array.isArray(value)) {
      for (const item of value as readonly unknown[]) if (item !== undefined && item !== null) parts.push(`${key}=${encodeURIComponent(String(item))}`);
    } else if (value !== undefined && value !== null) {
      parts.push(`${key}=${encodeURIComponent(String(value))}`);
    }
  }
  return parts.join("&");
}

interface RawBody {
  readonly body: WireBody | undefined;
  readonly contentType: string | undefined;
  readonly replayable: boolean;
}

/** Bytes, Blobs, strings and streams as they are; anything else as JSON. */
export function rawBody(value: unknown): RawBody {
  if (value === undefined) return { body: undefined, contentType: undefined, replayable: true };
  if (typeof value === "string") return { body: value, contentType: "text/plain; charset=utf-8", replayable: true };
  if (value instanceof URLSearchParams) return { body: value.toString(), contentType: "application/x-www-form-urlencoded", replayable: true };
  // Any FormData (undici's or the global one): undici writes the boundary and Content-Type.
  if (Object.prototype.toString.call(value) === "[object FormData]") return { body: value as WireBody, contentType: undefined, replayable: true };
  if (value instanceof Uint8Array) return { body: value, contentType: "application/octet-stream", replayable: true };
  if (value instanceof ArrayBuffer) return { body: new Uint8Array(value), contentType: "application/octet-stream", replayable: true };
  if (ArrayBuffer.isView(value)) return { body: new Uint8Array(value.buffer, value.byteOffset, value.byteLength), contentType: "application/octet-stream", replayable: true };
  // undici re-reads a Blob on every attempt; its own type goes out unless the caller set one.
  if (value instanceof Blob) return { body: value, contentType: value.type || "application/octet-stream", replayable: true };
  if (typeof value === "object" && value !== null && Symbol.asyncIterator in value) {
    return { body: value as AsyncIterable<Uint8Array>, contentType: "application/octet-stream", replayable: false };
  }
  return { body: JSON.stringify(value), contentType: "application/json", replayable: true };
}
