// Every error the runtime throws, each with a stable `code`. Brands use Symbol.for so that checks work across two
// copies of the runtime (two generated clients in one program): `instanceof` is routed through the brand as well.
import type { AttemptRecord } from "./types.js";
import { documents, tagOf } from "./operation.js";
import type { DocumentedErrors, HttpErrorOf } from "./operation.js";

const BRAND: unique symbol = Symbol.for("svcgen.runtime.error") as never;

/** Where an error happened, filled in by the layer that knows. */
export interface ErrorContext {
  readonly service?: string | undefined;
  readonly operation?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly cause?: unknown;
}

type ErrorClass = { readonly CODE?: string };

/** Base class of every runtime error. */
export class SvcgenError extends Error {
  /** Stable, e.g. `SVCGEN_HTTP`. */
  readonly code: string;
  readonly service: string | undefined;
  /** Operation id (generated method name). */
  readonly operation: string | undefined;
  /** Origin of the attempt that failed, when one did. */
  readonly endpoint: string | undefined;
  /** Every attempt sent for the call, in order; filled in when the call ends. */
  attempts: readonly AttemptRecord[] = [];
  /**
   * True when no endpoint can have processed the request: every attempt ended in a connect failure or a 421, or
   * nothing was sent at all (open breaker, deadline spent before the first send).
   */
  notProcessed = true;

  constructor(code: string, message: string, context: ErrorContext = {}) {
    super(message);
    // Set as ES2022's `super(message, { cause })` would, without needing the ES2022 lib in the user's tsconfig.
    if (context.cause !== undefined) Object.defineProperty(this, "cause", { value: context.cause, writable: true, configurable: true });
    this.code = code;
    this.service = context.service;
    this.operation = context.operation;
    this.endpoint = context.endpoint;
    Object.defineProperty(this, BRAND, { value: true });
  }

  // `instanceof HttpError` is true for an HttpError from another copy of the runtime too.
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasCode(value, (this as ErrorClass).CODE);
  }
}

function hasCode(value: unknown, code: string | undefined): value is SvcgenError {
  if (typeof value !== "object" || value === null || (value as Record<symbol, unknown>)[BRAND] !== true) return false;
  return code === undefined || (value as { code?: unknown }).code === code;
}

function where(context: ErrorContext): string {
  if (context.service === undefined) return "";
  return context.operation === undefined ? `${context.service}: ` : `${context.service}.${context.operation}: `;
}

/**
 * The service answered with a status that is neither 2xx nor accepted. `B` is the body's type where it is known:
 * `isHttpError(error, client.op)` narrows it to what the operation documents.
 */
export class HttpError<B = unknown> extends SvcgenError {
  static readonly CODE = "SVCGEN_HTTP";
  readonly status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON when the answer said JSON, else the text (undefined when empty). */
  readonly body: B;
  /**
   * Added by the runtime: the body was longer than the error-body limit (64 KiB, ERROR_BODY_LIMIT) and `body` holds
   * only its start (as text: a cut JSON document does not parse).
   */
  readonly truncated: boolean;
  /**
   * Added by the runtime: a 401's security requirement, alternatives of scheme names (names only), so the error says
   * what the operation accepts; undefined for other statuses and operations without one.
   */
  declare accepts?: readonly (readonly string[])[];
  constructor(status: number, headers: Readonly<Record<string, string>>, body: B, context: ErrorContext = {}, truncated = false) {
    super(HttpError.CODE, `${where(context)}HTTP ${status}${context.endpoint ? ` from ${context.endpoint}` : ""}${truncated ? " (error body truncated)" : ""}`, context);
    this.name = "HttpError";
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.truncated = truncated;
  }
}

/**
 * The response body grew past the call's limit (max_response_bytes, CallOptions.maxResponseBytes): the request was
 * aborted. Never retried; the server did answer (notProcessed is false).
 */
export class ResponseTooLargeError extends SvcgenError {
  static readonly CODE = "SVCGEN_RESPONSE_TOO_LARGE";
  /** The limit in force, bytes. */
  readonly limit: number;
  /** HTTP status of the answer whose body was too large. */
  readonly status: number;
  constructor(limit: number, status: number, context: ErrorContext = {}) {
    super(ResponseTooLargeError.CODE, `${where(context)}response body${context.endpoint ? ` from ${context.endpoint}` : ""} is larger than the ${limit}-byte limit (max_response_bytes); the request was aborted`, context);
    this.name = "ResponseTooLargeError";
    this.limit = limit;
    this.status = status;
  }
}

/** The connection could not be made, so no byte of the request was written. */
export class ConnectError extends SvcgenError {
  static readonly CODE = "SVCGEN_CONNECT";
  constructor(context: ErrorContext = {}) {
    super(ConnectError.CODE, `${where(context)}could not connect to ${context.endpoint ?? "the service"}${causeText(context.cause)}`, context);
    this.name = "ConnectError";
  }
}

/** The connection failed after the request was written: the service may have processed it. */
export class ResetError extends SvcgenError {
  static readonly CODE = "SVCGEN_RESET";
  constructor(context: ErrorContext = {}) {
    super(ResetError.CODE, `${where(context)}connection to ${context.endpoint ?? "the service"} failed after the request was written${causeText(context.cause)}`, context);
    this.name = "ResetError";
  }
}

/** One attempt ran out of its own time (the per-attempt timeout). */
export class TimeoutError extends SvcgenError {
  static readonly CODE = "SVCGEN_TIMEOUT";
  readonly timeoutMs: number;
  constructor(timeoutMs: number, context: ErrorContext = {}) {
    super(TimeoutError.CODE, `${where(context)}attempt timed out after ${timeoutMs} ms`, context);
    this.name = "TimeoutError";
    this.timeoutMs = timeoutMs;
  }
}

/** The call's overall deadline (every attempt and pause) ran out. */
export class DeadlineExceededError extends SvcgenError {
  static readonly CODE = "SVCGEN_DEADLINE";
  readonly timeoutMs: number;
  constructor(timeoutMs: number, context: ErrorContext = {}) {
    super(DeadlineExceededError.CODE, `${where(context)}deadline of ${timeoutMs} ms exceeded`, context);
    this.name = "DeadlineExceededError";
    this.timeoutMs = timeoutMs;
  }
}

/** A circuit breaker is open: nothing was sent. */
export class CircuitOpenError extends SvcgenError {
  static readonly CODE = "SVCGEN_CIRCUIT_OPEN";
  readonly scope: "service" | "endpoint";
  constructor(scope: "service" | "endpoint", context: ErrorContext = {}) {
    super(CircuitOpenError.CODE, `${where(context)}circuit open for ${scope === "service" ? "the service" : "every endpoint"}; nothing was sent`, context);
    this.name = "CircuitOpenError";
    this.scope = scope;
  }
}

/** Failover ran out of budget after moving between endpoints; `attempts` is the full trace, `last` the final error. */
export class EndpointsExhaustedError extends SvcgenError {
  static readonly CODE = "SVCGEN_ENDPOINTS_EXHAUSTED";
  readonly last: SvcgenError;
  constructor(last: SvcgenError, context: ErrorContext = {}) {
    super(EndpointsExhaustedError.CODE, `${where(context)}every endpoint failed before the budget ran out (last: ${last.message})`, { ...context, cause: last });
    this.name = "EndpointsExhaustedError";
    this.last = last;
  }
}

/** The caller's AbortSignal fired; `cause` is its reason. */
export class AbortError extends SvcgenError {
  static readonly CODE = "SVCGEN_ABORTED";
  constructor(context: ErrorContext = {}) {
    super(AbortError.CODE, `${where(context)}aborted by the caller`, context);
    this.name = "AbortError";
  }
}

/** A 2xx body could not be decoded as the operation says (e.g. invalid JSON). */
export class DecodeError extends SvcgenError {
  static readonly CODE = "SVCGEN_DECODE";
  constructor(context: ErrorContext = {}) {
    super(DecodeError.CODE, `${where(context)}could not decode the response body${causeText(context.cause)}`, context);
    this.name = "DecodeError";
  }
}

/** The request could not be built or was refused before sending (missing path parameter, closed client, ...). */
export class RequestError extends SvcgenError {
  static readonly CODE = "SVCGEN_REQUEST";
  constructor(message: string, context: ErrorContext = {}) {
    super(RequestError.CODE, `${where(context)}${message}`, context);
    this.name = "RequestError";
  }
}

/**
 * A credential could not be obtained for a security scheme (its TokenProvider threw or returned no token, its
 * environment variable is unset, its file unreadable): nothing was sent. The message names the scheme and the
 * variable or path, never a value; the provider's own error is `cause`.
 */
export class CredentialError extends SvcgenError {
  static readonly CODE = "SVCGEN_CREDENTIAL";
  readonly scheme: string;
  /** What went wrong, without the service and operation. */
  readonly detail: string;
  constructor(scheme: string, detail: string, context: ErrorContext = {}) {
    super(CredentialError.CODE, `${where(context)}no credential for security scheme "${scheme}": ${detail}; nothing was sent`, context);
    this.name = "CredentialError";
    this.scheme = scheme;
    this.detail = detail;
  }
}

/** The client could not be configured (invalid environment variable, bad URL). */
export class ConfigError extends SvcgenError {
  static readonly CODE = "SVCGEN_CONFIG";
  /** The environment variable at fault, if any. */
  readonly variable: string | undefined;
  constructor(message: string, variable?: string, context: ErrorContext = {}) {
    super(ConfigError.CODE, `${where(context)}${message}`, context);
    this.name = "ConfigError";
    this.variable = variable;
  }
}

/** Why there is no endpoint to send to. */
export type NoEndpointsReason =
  /** DNS says the name does not exist (NXDOMAIN): a headless Service with no ready pod. */
  | "not_found"
  /** The name exists but has no A/AAAA (or SRV) record. */
  | "no_records"
  /** DNS failed (timeout, refused, SERVFAIL) before any endpoint was ever known. */
  | "dns_error"
  /** The balancer declined every endpoint. */
  | "balancer";

/** Discovery has no endpoint for the service (no ready pod, or DNS never answered): nothing was sent. */
export class NoEndpointsError extends SvcgenError {
  static readonly CODE = "SVCGEN_NO_ENDPOINTS";
  readonly reason: NoEndpointsReason;
  /** The DNS name that was resolved, when discovery is DNS-based. */
  readonly dnsName: string | undefined;
  /** The resolver's error code (`ENOTFOUND`, `ENODATA`, `ETIMEOUT`, `ECONNREFUSED`, ...), when there was one. */
  readonly dnsCode: string | undefined;
  constructor(reason: NoEndpointsReason, detail: string, context: ErrorContext = {}, dnsName?: string, dnsCode?: string) {
    super(NoEndpointsError.CODE, `${where(context)}no endpoint to send to: ${detail}; nothing was sent`, context);
    this.name = "NoEndpointsError";
    this.reason = reason;
    this.dnsName = dnsName;
    this.dnsCode = dnsCode;
  }
}

/** Why a failover endpoint set was refused (endpoint 0 is the base URL, failover endpoints count from 1). */
export type EndpointSetProblem =
  | { readonly kind: "duplicate_origin"; readonly origin: string; readonly first: number; readonly duplicate: number }
  | { readonly kind: "mixed_scheme"; readonly index: number; readonly expected: string; readonly found: string }
  | { readonly kind: "not_an_origin"; readonly index: number; readonly url: string; readonly reason: string };

export class EndpointSetError extends SvcgenError {
  static readonly CODE = "SVCGEN_ENDPOINT_SET";
  readonly problem: EndpointSetProblem;
  constructor(problem: EndpointSetProblem, context: ErrorContext = {}) {
    super(EndpointSetError.CODE, `${where(context)}${describeProblem(problem)}`, context);
    this.name = "EndpointSetError";
    this.problem = problem;
  }
}

function describeProblem(p: EndpointSetProblem): string {
  switch (p.kind) {
    case "duplicate_origin":
      return `endpoint ${p.duplicate} is the same origin as endpoint ${p.first} (${p.origin}) once normalized; list each origin once`;
    case "mixed_scheme":
      return `endpoint ${p.index} uses ${p.found} but the base URL uses ${p.expected}; give it as ${p.expected}://host[:port]`;
    case "not_an_origin":
      return `endpoint ${p.index} (${JSON.stringify(p.url)}) is not a bare origin: ${p.reason}; give it as scheme://host[:port]`;
  }
}

function causeText(cause: unknown): string {
  if (cause === undefined || cause === null) return "";
  const code = (cause as { code?: unknown }).code;
  const message = (cause as { message?: unknown }).message;
  if (typeof code === "string" && typeof message === "string") return ` (${code}: ${message})`;
  if (typeof message === "string") return ` (${message})`;
  return "";
}

export function isSvcgenError(value: unknown): value is SvcgenError {
  return hasCode(value, undefined);
}
/**
 * `isHttpError(error)`: any HttpError. `isHttpError(error, client.getItem)`: an HttpError from that operation of that
 * service whose status the spec documents for it (an exact status, its `4XX` range or `default`; any status when it
 * documents none), with `body` typed as documented for that status (narrowed further by checking `status`). A body
 * cut at the error-body limit (`truncated`) is text, so such an error does not match.
 */
export function isHttpError(value: unknown): value is HttpError;
export function isHttpError<E>(value: unknown, operation: DocumentedErrors<E>): value is HttpErrorOf<E>;
export function isHttpError(value: unknown, operation?: DocumentedErrors<unknown>): boolean {
  if (!hasCode(value, HttpError.CODE)) return false;
  if (operation === undefined) return true;
  const tag = tagOf(operation);
  if (tag === undefined) throw new TypeError("isHttpError: the second argument must be a generated client's operation method");
  const error = value as HttpError;
  return error.operation === tag.id && error.service === tag.service && !error.truncated && documents(tag, error.status);
}
export function isResponseTooLargeError(value: unknown): value is ResponseTooLargeError {
  return hasCode(value, ResponseTooLargeError.CODE);
}
export function isConnectError(value: unknown): value is ConnectError {
  return hasCode(value, ConnectError.CODE);
}
export function isResetError(value: unknown): value is ResetError {
  return hasCode(value, ResetError.CODE);
}
export function isTimeoutError(value: unknown): value is TimeoutError {
  return hasCode(value, TimeoutError.CODE);
}
export function isDeadlineExceededError(value: unknown): value is DeadlineExceededError {
  return hasCode(value, DeadlineExceededError.CODE);
}
export function isCircuitOpenError(value: unknown): value is CircuitOpenError {
  return hasCode(value, CircuitOpenError.CODE);
}
export function isEndpointsExhaustedError(value: unknown): value is EndpointsExhaustedError {
  return hasCode(value, EndpointsExhaustedError.CODE);
}
export function isAbortError(value: unknown): value is AbortError {
  return hasCode(value, AbortError.CODE);
}
export function isDecodeError(value: unknown): value is DecodeError {
  return hasCode(value, DecodeError.CODE);
}
export function isRequestError(value: unknown): value is RequestError {
  return hasCode(value, RequestError.CODE);
}
export function isCredentialError(value: unknown): value is CredentialError {
  return hasCode(value, CredentialError.CODE);
}
export function isConfigError(value: unknown): value is ConfigError {
  return hasCode(value, ConfigError.CODE);
}
export function isEndpointSetError(value: unknown): value is EndpointSetError {
  return hasCode(value, EndpointSetError.CODE);
}
export function isNoEndpointsError(value: unknown): value is NoEndpointsError {
  return hasCode(value, NoEndpointsError.CODE);
}
