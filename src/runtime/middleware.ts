// The public per-attempt hook, one shape for HTTP and gRPC (connect-es interceptors, cockatiel's `wrap`):
// `(next) => (req) => Promise<res>`, composed once per client, the FIRST listed is the OUTERMOST. It runs innermost
// in the chain, after the endpoint pick and the attempt timeout, right before the transport, once per attempt:
//   deadline → circuit breaker → retry → endpoint pick → attempt timeout → middleware → transport
// so a header it sets is on every attempt, and what it returns (or throws) is the attempt's outcome for retry,
// breakers and balancer: returning status 503 (or "UNAVAILABLE") makes the attempt a 503. A thrown error ends the
// call as it is (svcgen's ConnectError excepted: that one says "nothing was sent" and may be retried elsewhere).
// Pass `req` (or a copy of it, `{ ...req }`) to `next`: the request carries the attempt's wire state.

/** One attempt as middleware sees it. */
export interface AttemptRequest {
  readonly service: string;
  /** The operationId (HTTP) or `package.Service/Method` (gRPC). */
  readonly operation: string;
  readonly protocol: "http" | "grpc";
  /** 1-based. */
  readonly attempt: number;
  /** Origin the attempt goes to, `scheme://host:port`. */
  readonly endpoint: string;
  /** Fires when the attempt is over (caller abort, attempt timeout, deadline); honour it in slow middleware. */
  readonly signal: AbortSignal | undefined;
  /** Request headers (HTTP) or metadata (gRPC), lower-case names; a fresh copy per attempt: set what you need. */
  readonly headers: Record<string, string>;
  /** HTTP only: upper-case method. */
  readonly method?: string;
  /** HTTP only: the path with the query, as sent. */
  readonly path?: string;
}

/** One attempt's answer as middleware sees it. */
export interface AttemptResponse {
  /** HTTP status, or the gRPC status name (`"OK"`, `"UNAVAILABLE"`, ...). */
  readonly status: number | string;
  /** Response headers (gRPC: headers, and trailers for a status other than OK), lower-case names. */
  readonly headers: Record<string, string>;
}

export type AttemptHandler = (req: AttemptRequest) => Promise<AttemptResponse>;
export type Middleware = (next: AttemptHandler) => AttemptHandler;

/** Composes once: `middleware[0]` is the outermost. */
export function composeMiddleware(middleware: readonly Middleware[], inner: AttemptHandler): AttemptHandler {
  let handler = inner;
  for (let i = middleware.length - 1; i >= 0; i--) handler = middleware[i]!(handler);
  return handler;
}

/** Where an adapter keeps its attempt's wire state on the request and response (spread copies keep it). */
export const WIRE: unique symbol = Symbol.for("svcgen.runtime.attempt-wire") as never;
