// One layer shape, composed once per client (connect-es style): `(next) => (exchange) => Promise<response>`.
// compose([a, b, c], transport) runs a → b → c → transport: the FIRST listed is the OUTERMOST (as connect-es and
// cockatiel's `wrap`; undici's `compose` is the reverse). The client's chain is
//   [telemetry: call span] → deadline → circuit breaker (service) → retry → credentials → endpoint pick →
//   [telemetry: attempt span] → attempt timeout → user middleware → transport
// for both protocols: the layers are protocol-neutral and ask the call's Protocol (protocol.ts) what an outcome means;
// only the middleware adapter and the transport differ (undici: http-middleware.ts, transport.ts; connect-es:
// grpc/middleware.ts, grpc/connect-transport.ts).
// The service breaker sits OUTSIDE retry on purpose: it hears one verdict per call, after every retry and rotation,
// so random per-attempt errors under load cannot look like an outage (circuit.ts has the numbers); endpoint breakers
// (inside pick) count attempts.
import type { Endpoint } from "./endpoints.js";
import type { TransportResponse } from "./response.js";
import type { CallRoute } from "./route.js";
import type { WireBody } from "./body.js";
import type { AttemptRecord, ClientEvent, OperationDefinition, RedirectHop } from "./types.js";
import type { Protocol } from "./protocol.js";
import type { AuthOptions } from "./auth/types.js";
import type { OtelContext, OtelSpan, OtelTracer } from "./telemetry/api.js";
import { nextMacrotask } from "./clock.js";

/** An attempt record the retry layer may still complete (pause, rotation). */
export interface MutableAttemptRecord {
  endpoint: string;
  outcome: AttemptRecord["outcome"];
  pauseMs: number;
  durationMs: number;
  retriable: boolean;
  rotated: boolean;
  /** Set only when the attempt followed redirects (redirects.ts). */
  redirects?: readonly RedirectHop[];
  /** Set only on an attempt refused for its credentials and replayed with fresh ones (auth/layer.ts). */
  authRefresh?: boolean;
}

/** The request as it goes on the wire, built once per call (same on every attempt). */
export interface WireRequest {
  readonly method: string;
  /** Base path + operation path + query. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: WireBody | undefined;
  /** False for streaming bodies: such a call is sent once. */
  readonly replayable: boolean;
  /** Base path + the operation's path template (`/v1/items/{id}`), for telemetry's `url.template`; absent for request(). */
  readonly template?: string | undefined;
}

/** What every layer reads of a call, whatever its protocol. */
export interface BaseCall {
  readonly service: string;
  /** `op.id`: the operationId (HTTP) or `package.Service/Method` (gRPC). */
  readonly op: { readonly id: string };
  /** How this call's outcomes are read (http-protocol.ts, grpc/protocol.ts). */
  readonly protocol: Protocol<never>;
  /** Safe to send again after a server may have processed it (and the request can be sent again). */
  readonly retryable: boolean;
  /** The request can be sent again at all (false for a streaming body): then only after attempts that reached no server. */
  readonly replayable: boolean;
  /** Overall deadline length, ms (Infinity: none; 0 or less: already spent). */
  readonly timeoutMs: number;
  readonly callerSignal: AbortSignal | undefined;
  readonly onEvent: ((event: ClientEvent) => void) | undefined;
  /** Endpoint cursor for this call: what the balancer sees, where the previous attempt went, rotation. */
  readonly route: CallRoute;
  /** Every attempt sent, in order. */
  readonly attempts: MutableAttemptRecord[];
  /** CallOptions.auth: credentials of this call by scheme name (the auth layer reads them). */
  readonly auth?: AuthOptions | undefined;
  /**
   * The call's span while it is traced (set by the telemetry call layer, the outermost): inner layers add events to
   * it (re-sends, budget refusals) and attempt spans are its children. Undefined: not traced.
   */
  trace?: CallTrace | undefined;
}

/** A traced call (telemetry/layer.ts). */
export interface CallTrace {
  readonly tracer: OtelTracer;
  readonly span: OtelSpan;
  /** The caller's context with the call's span in it: the parent of every attempt span. */
  readonly context: OtelContext;
}

/** One logical HTTP call, shared by every layer and attempt. */
export interface Call extends BaseCall {
  readonly op: OperationDefinition;
  readonly protocol: Protocol<TransportResponse>;
  readonly request: WireRequest;
  /** Safe to send again: op.idempotent (decided by the generator) or an idempotency key, and a replayable body. */
  readonly retryable: boolean;
  readonly acceptStatus: readonly number[] | undefined;
  /** Largest 2xx body read, bytes; past it the attempt fails with ResponseTooLargeError. */
  readonly maxResponseBytes: number;
  /** `responseType: "stream"`: a 2xx answer resolves at its headers with the body as a ReadableStream. */
  readonly stream: boolean;
  /** Follow 3xx answers (redirects.ts): undefined or false: no; true: same origin; "any": any origin. */
  readonly followRedirects?: boolean | "any" | undefined;
}

/**
 * The per-attempt context, passed forward only (as cockatiel's context): an outer layer fills in what inner layers
 * read, never the reverse. The deadline layer sets `deadlineAt` and `signal` on the call's exchange; the retry layer
 * makes one exchange per attempt carrying them, its number and whether it must move on; the pick layer sets the
 * endpoint; the attempt-timeout layer may narrow the signal.
 */
export interface Exchange<C extends BaseCall = Call> {
  readonly call: C;
  signal: AbortSignal | undefined;
  /** Clock reading when the call's deadline passes (Infinity: none); set by the deadline layer. */
  deadlineAt: number;
  /** 1-based number of this attempt within the call (0 outside the retry layer). */
  attempt: number;
  /** The previous attempt's outcome asks for another endpoint (a rotation): the pick layer asks the balancer. */
  moveOn: boolean;
  endpoint: Endpoint | undefined;
  /**
   * The attempt's time limit, ms, for a transport that enforces it on the wire (gRPC's `grpc-timeout`): set by the
   * attempt-timeout layer in "wire" mode (Infinity otherwise), with whether it is the attempt timeout rather than
   * what is left of the deadline.
   */
  limitMs: number;
  limitedByAttempt: boolean;
  /**
   * Request headers of this attempt when a layer set them (a copy per attempt: the auth layer's credentials, user
   * middleware); undefined: the call's.
   */
  headers?: Record<string, string> | undefined;
  /** HTTP: the path (with query) of this attempt when the auth layer added an apiKey to the query; undefined: the call's. */
  path?: string | undefined;
  /**
   * While the built-in transport has the attempt in flight: ends it now with `reason` (the attempt-timeout layer's
   * cheap path). Undefined otherwise. Optional so that hand-built exchanges (tests, probes) need not carry it.
   */
  cancel?: ((reason: unknown) => void) | undefined;
  /** Redirects followed in this attempt, set by the redirect step around the transport; the retry layer records them. */
  redirects?: RedirectHop[] | undefined;
}

export type Handler<C extends BaseCall = Call, R = TransportResponse> = (exchange: Exchange<C>) => Promise<R>;
/** One policy layer of the chain (internal; the public, per-attempt `Middleware` is middleware.ts's). */
export type Layer<C extends BaseCall = Call, R = TransportResponse> = (next: Handler<C, R>) => Handler<C, R>;

/**
 * Sends one call through a composed chain from its outermost exchange (HTTP and gRPC alike). A call refused before
 * anything was sent rejects on a later macrotask (nextMacrotask says why).
 */
export async function runCall<C extends BaseCall, R>(chain: Handler<C, R>, call: C): Promise<R> {
  try {
    return await chain({ call, signal: undefined, deadlineAt: Infinity, attempt: 0, moveOn: false, endpoint: undefined, limitMs: Infinity, limitedByAttempt: false, headers: undefined, path: undefined, cancel: undefined });
  } catch (error) {
    if (call.attempts.length === 0) await nextMacrotask();
    throw error;
  }
}

/** Builds the chain once; the first layer is the outermost. */
export function compose<C extends BaseCall, R>(layers: readonly Layer<C, R>[], transport: Handler<C, R>): Handler<C, R> {
  let handler = transport;
  for (let i = layers.length - 1; i >= 0; i--) handler = layers[i]!(handler);
  return handler;
}
