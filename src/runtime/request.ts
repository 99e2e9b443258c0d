// Builds the wire request once per call: path template + params, query, headers, cookies, body. Every attempt sends
// exactly this (same x-request-id and Idempotency-Key on every attempt).
import { randomUUID } from "node:crypto";
import { RequestError } from "./errors.js";
import { cookiePairs, defaultParam, headerParam, pathParam, queryParam } from "./params.js";
import { contentParam, prepareBody } from "./body.js";
import type { WireRequest } from "./chain.js";
import type { CallOptions, OperationDefinition, ParamDefinition, ParamLocation, RequestParams } from "./types.js";

/** An operation's path template split once: literal text and parameter names alternate. */
interface CompiledOperation {
  readonly literals: readonly string[];
  readonly names: readonly string[];
  /** pathDefs[i]: how names[i] is serialised (looked up once here, not per call). */
  readonly pathDefs: readonly ParamDefinition[];
  /** Declared parameters by location, then wire name. */
  readonly params: Readonly<Record<ParamLocation, ReadonlyMap<string, ParamDefinition>>>;
}

const compiled = new WeakMap<OperationDefinition, CompiledOperation>();

function compile(op: OperationDefinition): CompiledOperation {
  let found = compiled.get(op);
  if (found !== undefined) return found;
  const literals: string[] = [];
  const names: string[] = [];
  const re = /\{([^}]+)\}/g;
  let last = 0;
  for (let m = re.exec(op.path); m !== null; m = re.exec(op.path)) {
    literals.push(op.path.slice(last, m.index));
    names.push(m[1]!);
    last = m.index + m[0].length;
  }
  literals.push(op.path.slice(last));
  const params: Record<ParamLocation, Map<string, ParamDefinition>> = { path: new Map(), query: new Map(), header: new Map(), cookie: new Map() };
  for (const p of op.params) params[p.in].set(p.name, p);
  const pathDefs = names.map((name) => params.path.get(name) ?? defaultParam(name, "path"));
  found = { literals, names, pathDefs, params };
  compiled.set(op, found);
  return found;
}

function paramDef(c: CompiledOperation, location: ParamLocation, name: string): ParamDefinition {
  return c.params[location].get(name) ?? defaultParam(name, location);
}

/** A `content` parameter's value becomes its media type's text, then is sent as one value (params.ts). */
function paramValue(def: ParamDefinition, value: unknown): unknown {
  return def.contentType === undefined || value === undefined || value === null ? value : contentParam(value, def.contentType);
}

/**
 * What every request carries after its own headers, the same for operations and `request()`: the call's `headers`
 * (they win), `Idempotency-Key`, and an `x-request-id` unless one is set or `requestId` is false (the call's option wins
 * over the client's `clientRequestId`).
 */
export function callHeaders(headers: Record<string, string>, options: CallOptions | undefined, clientRequestId = true): void {
  const extra = options?.headers;
  if (extra !== undefined) for (const name of Object.keys(extra)) headers[name.toLowerCase()] = extra[name]!;
  if (options?.idempotencyKey !== undefined) headers["idempotency-key"] = options.idempotencyKey;
  if ((options?.requestId ?? clientRequestId) && headers["x-request-id"] === undefined) headers["x-request-id"] = randomUUID();
}

/**
 * @param clientHeaders lower-cased names (the client lower-cases its option once)
 */
export function buildRequest(
  service: string,
  op: OperationDefinition,
  params: RequestParams | undefined,
  basePath: string,
  clientHeaders: Readonly<Record<string, string>>,
  options: CallOptions | undefined,
  clientRequestId = true,
  template?: string,
): WireRequest {
  const c = compile(op);
  const context = { service, operation: op.id };

  let path = basePath + c.literals[0]!;
  for (let i = 0; i < c.names.length; i++) {
    const name = c.names[i]!;
    const value = params?.path?.[name];
    if (value === undefined || value === null) throw new RequestError(`missing path parameter "${name}"`, context);
    const def = c.pathDefs[i]!;
    path += pathParam(name, paramValue(def, value), def.style, def.explode) + c.literals[i + 1]!;
  }

  const query = params?.query;
  if (query !== undefined) {
    const parts: string[] = [];
    for (const name of Object.keys(query)) {
      const def = paramDef(c, "query", name);
      queryParam(parts, name, paramValue(def, query[name]), def.style, def.explode);
    }
    if (parts.length > 0) path += (path.includes("?") ? "&" : "?") + parts.join("&");
  }

  // Object.assign, not a spread: a spread copy that then gains keys costs ~0.8 µs more per call in V8 (bench:runtime).
  const headers: Record<string, string> = Object.assign({}, clientHeaders);
  const headerParams = params?.headers;
  if (headerParams !== undefined) {
    for (const name of Object.keys(headerParams)) {
      const def = paramDef(c, "header", name);
      const value = headerParam(paramValue(def, headerParams[name]), def.explode);
      if (value !== undefined) headers[name.toLowerCase()] = value;
    }
  }
  const cookies = params?.cookies;
  if (cookies !== undefined) {
    const pairs: string[] = [];
    for (const name of Object.keys(cookies)) {
      const def = paramDef(c, "cookie", name);
      cookiePairs(pairs, name, paramValue(def, cookies[name]), def.explode);
    }
    if (pairs.length > 0) {
      const prev = headers["cookie"];
      headers["cookie"] = prev === undefined || prev === "" ? pairs.join("; ") : `${prev}; ${pairs.join("; ")}`;
    }
  }
  callHeaders(headers, options, clientRequestId);
  if (op.response === "json" && headers["accept"] === undefined) headers["accept"] = "application/json";

  let body: WireRequest["body"];
  let replayable = true;
  if (op.body !== undefined && params?.body !== undefined) {
    const prepared = prepareBody(op.body.kind, op.body.contentType, params.body, op.body.encoding);
    body = prepared.body;
    replayable = prepared.replayable;
    if (prepared.contentType !== undefined && headers["content-type"] === undefined) headers["content-type"] = prepared.contentType;
  }
  return { method: op.method.toUpperCase(), path, headers, body, replayable, template };
}
