// Typed interceptors on undici's MockAgent for the generated `clients/<key>/mock.ts`. A mock must intercept exactly
// what the client sends, so nothing is decided here a second time: where an operation goes comes from resolveBase and
// OperationServers (the client's own resolution, with the same environment default), and the path, query, headers
// and cookies to match come from buildRequest, the function that builds the client's wire request.
// Only for tests: generated clients never import this module, so production code does not load it.
import type { MockAgent } from "undici";
import { resolveBase } from "./base-url.js";
import { ConfigError } from "./errors.js";
import { buildRequest } from "./request.js";
import { isJsonType } from "./response.js";
import { OperationServers } from "./servers.js";
import type { OperationDefinition, RequestParams, ServiceDefinition } from "./types.js";

export interface MockOptions {
  /**
   * Where the client under test sends requests: the `baseUrl` it was created with (a path in it prefixes every
   * operation's path, as it does for the client). Default: where a client created without `baseUrl` goes.
   */
  readonly origin?: string;
  /** The environment that default is resolved in, as the client option `env` (default `process.env`). */
  readonly env?: Record<string, string | undefined>;
  /** The client option `servers` the client under test was given: operations with their own server are matched there. */
  readonly servers?: Readonly<Record<string, string>>;
}

/** What `reply` and `replyWithError` return (undici's MockScope): how often, and how late, the answer is given. */
export interface MockScope {
  /** Answers this many matching requests (default 1). */
  times(repeat: number): MockScope;
  /** Answers every matching request. */
  persist(): MockScope;
  /** Answers after this many milliseconds. */
  delay(ms: number): MockScope;
}

export interface MockReplyOptions {
  /** Response headers; a `content-type` here wins over the documented media type. */
  readonly headers?: Record<string, string | string[]>;
}

/**
 * The body documented for status `S` in `R` (the operation's bodies by status, as `isHttpError` reads them): its own
 * entry, else its `NXX` range, else `default`, else `unknown` (an undocumented status takes any body).
 */
export type MockReplyBody<R, S extends number> = number extends S
  ? unknown
  : S extends keyof R
    ? R[S]
    : `${S}` extends `${infer D}${string}`
      ? `${D}XX` extends keyof R
        ? R[`${D}XX` & keyof R]
        : "default" extends keyof R
          ? R["default" & keyof R]
          : unknown
      : unknown;

/** `reply`'s arguments after the status: the body may be left out when the status documents none. */
export type MockReplyArgs<B> = undefined extends B ? [body?: B, options?: MockReplyOptions] : [body: B, options?: MockReplyOptions];

/** An interceptor for one operation's matching request; `R`: the documented bodies by status. */
export interface MockReply<R> {
  /** Answers with `status` and the body the spec documents for it (sent as its documented media type). */
  reply<S extends number>(status: S, ...args: MockReplyArgs<MockReplyBody<R, S>>): MockScope;
  /** Fails the request with `error` (a connection failure, say: `new Error("ECONNRESET")`). */
  replyWithError(error: Error): MockScope;
}

/** The media type of each documented response body, by operation id, then status as the spec spells it. */
export type MockMediaTypes = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** One method per operation: what to match (the operation's params, the body left out) → its interceptor. */
export type MockMethods = Record<string, (params?: RequestParams) => MockReply<unknown>>;

type Interceptor = ReturnType<ReturnType<MockAgent["get"]>["intercept"]>;

/** Where an operation's requests go: the origins they may be dispatched to and the path prefix. */
interface Target {
  readonly origin: string | ((origin: string) => boolean);
  readonly basePath: string;
}

export function createMock(def: ServiceDefinition, ops: readonly OperationDefinition[], media: MockMediaTypes, agent: MockAgent, options: MockOptions = {}): MockMethods {
  const base = resolveBase(def, options.origin, options.env ?? process.env);
  const origins = base.endpoints.map((e) => e.origin);
  const service: Target | undefined =
    origins.length === 0 ? undefined : { origin: origins.length === 1 ? origins[0]! : (origin) => origins.includes(origin), basePath: base.basePath };
  // The client's breakers of operation servers are never used here: a listener that hears nothing.
  const servers = new OperationServers({ def, base, overrides: options.servers, breakerListener: () => () => {} });

  const targetOf = (op: OperationDefinition): Target => {
    if (op.server !== undefined) {
      const { basePath, fixed } = servers.target(op.server);
      if (fixed !== undefined) return { origin: fixed.endpoint.origin, basePath };
      if (service !== undefined) return { origin: service.origin, basePath };
    } else if (service !== undefined) {
      return service;
    }
    // Headless discovery sends to pod addresses found in DNS: nothing a mock can name in advance.
    throw new ConfigError(`${base.reason}; a mock needs an origin: pass options.origin and the same baseUrl to the client`, undefined, { service: def.name, operation: op.id });
  };

  const methods: MockMethods = {};
  for (const op of ops) {
    methods[op.id] = (params) => {
      const target = targetOf(op);
      const origin = target.origin;
      const pool = typeof origin === "string" ? agent.get(origin) : agent.get(origin);
      const interceptor = pool.intercept(matcher(def, op, params, target.basePath));
      return replier(interceptor, media[op.id] ?? {});
    };
  }
  return methods;
}

/** The request to match: method, path (exact; the query too when given) and the headers and cookies given. */
function matcher(def: ServiceDefinition, op: OperationDefinition, params: RequestParams | undefined, basePath: string): Parameters<ReturnType<MockAgent["get"]>["intercept"]>[0] {
  const given: RequestParams = { path: params?.path, query: params?.query, headers: params?.headers, cookies: params?.cookies };
  const wire = buildRequest(def.name, op, given, basePath, {}, undefined, false);
  // Without a query, any query matches. undici compares a string path with its query's pairs sorted, both sides.
  const path: string | ((path: string) => boolean) = params?.query !== undefined ? wire.path : (sent) => sent === wire.path || sent.startsWith(`${wire.path}?`);
  const names = [...Object.keys(params?.headers ?? {}).map((n) => n.toLowerCase()), ...(params?.cookies !== undefined ? ["cookie"] : [])];
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = wire.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  return { path, method: wire.method, ...(Object.keys(headers).length > 0 ? { headers } : {}) };
}

/** `reply` sends the body as the status's documented media type (exact status, then `NXX`, then `default`). */
function replier(interceptor: Interceptor, media: Readonly<Record<string, string>>): MockReply<unknown> {
  return {
    reply(status: number, body?: unknown, options?: MockReplyOptions): MockScope {
      const exact = String(status);
      const type = media[exact] ?? media[`${exact[0]}XX`] ?? media["default"];
      const headers: Record<string, string | string[]> = { ...options?.headers };
      const typed = Object.keys(headers).some((name) => name.toLowerCase() === "content-type");
      let data: string | Uint8Array;
      if (body === undefined) {
        data = "";
      } else if (typeof body === "string" && (type === undefined || !isJsonType(type))) {
        data = body;
        if (!typed) headers["content-type"] = type ?? "text/plain; charset=utf-8";
      } else if (body instanceof Uint8Array) {
        data = body;
        if (!typed) headers["content-type"] = type ?? "application/octet-stream";
      } else {
        data = JSON.stringify(body);
        if (!typed) headers["content-type"] = type !== undefined && isJsonType(type) ? type : "application/json";
      }
      return interceptor.reply(status, data as string, { headers });
    },
    replyWithError(error: Error): MockScope {
      return interceptor.replyWithError(error);
    },
  };
}
