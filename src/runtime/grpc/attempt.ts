// One gRPC attempt's bookkeeping: where it goes (the HTTP pick layer's EndpointChooser, choose.ts), what
// its outcome means (classify), and who hears about it (breakers, balancer, attempt records and events).
import { ConnectError } from "@connectrpc/connect";
import { AbortError, isConnectError as isSvcgenConnectError } from "../errors.js";
import { provesNotProcessed } from "../classify.js";
import type { EndpointChooser } from "../choose.js";
import { record } from "../circuit.js";
import type { CircuitBreaker } from "../breaker.js";
import type { Clock } from "../clock.js";
import type { EndpointSet } from "../discovery/set.js";
import type { Endpoint } from "../endpoints.js";
import type { EventSink } from "../events.js";
import type { CallRoute } from "../route.js";
import type { AttemptRecord, AttemptResult, Balancer, ClientEvent } from "../types.js";
import { statusIsFailure } from "./codes.js";
import { GrpcError, metadataRecord } from "./errors.js";
import { lostConnection, wasNotSent } from "./transports.js";

/** One attempt record the engine may still complete (pause, rotation). */
export interface MutableRecord {
  endpoint: string;
  outcome: AttemptRecord["outcome"];
  pauseMs: number;
  durationMs: number;
  retriable: boolean;
  rotated: boolean;
}

/** One logical call, shared by its attempts. */
export interface GrpcCall {
  readonly service: string;
  /** `auth.v1.TokenService/ValidateToken`. */
  readonly operation: string;
  /** Safe to send again after a server may have run it (idempotency_level, or services.toml's `idempotent`). */
  readonly idempotent: boolean;
  /** May another attempt be sent at all (false once a streamed request was consumed). */
  replayable: boolean;
  readonly timeoutMs: number;
  readonly deadlineAt: number;
  readonly signal: AbortSignal | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly route: CallRoute;
  readonly records: MutableRecord[];
  readonly onEvent: ((event: ClientEvent) => void) | undefined;
  /** onResponse will read the attempt trace (failures always record theirs: errors carry it). */
  readonly wantsRecords: boolean;
  /** How the last attempt ended (the service breaker's verdict on the call reads it); undefined before any. */
  last: Outcome["kind"] | Extract<Outcome, { kind: "failed" }>["how"] | undefined;
}

/** How an attempt ended. `retryable` is computed by the engine's policy from the rest. */
export type Outcome =
  | { readonly kind: "ok"; readonly header: Headers; readonly trailer: Headers }
  | {
      readonly kind: "failed";
      readonly error: GrpcError;
      /** What happened on the wire: a status from the server, no stream at all, a local timeout, a broken stream. */
      readonly how: "status" | "not_sent" | "attempt_timeout" | "deadline" | "reset";
      /** grpc-retry-pushback-ms: undefined when absent, null when present but not a non-negative integer. */
      readonly pushbackMs: number | null | undefined;
    }
  | { readonly kind: "aborted"; readonly error: AbortError }
  /** User middleware threw something that is not a transport outcome: the call ends with it, no verdict. */
  | { readonly kind: "rejected"; readonly error: unknown };

export interface Slot {
  readonly endpoint: Endpoint;
  readonly breaker: CircuitBreaker | undefined;
  readonly started: number;
  /** The endpoint breaker's success count when the attempt started (CircuitBreaker.timedOut). */
  readonly seen: number;
}

export interface AttemptParts {
  readonly clock: Clock;
  readonly set: EndpointSet;
  readonly balancer: Balancer;
  /** Where attempts go: the HTTP pick layer's EndpointChooser (balancer, endpoint breakers, panic routing). */
  readonly chooser: EndpointChooser;
  readonly events: EventSink;
  /** Discovery may want to look again (a connect failure, an empty set). */
  readonly onStale: (() => void) | undefined;
}

/**
 * Where attempt `n` goes. Synchronous once discovery has answered (the hot path allocates no promise); before that
 * it waits for the first answer. Throws when nothing may be sent.
 */
export function acquire(parts: AttemptParts, call: GrpcCall, n: number): Slot | Promise<Slot> {
  if (!parts.set.ready) {
    return parts.set.whenReady(call.signal).then(
      () => pick(parts, call, n),
      (reason: unknown) => {
        throw new AbortError({ service: call.service, operation: call.operation, cause: reason });
      },
    );
  }
  return pick(parts, call, n);
}

function pick(parts: AttemptParts, call: GrpcCall, n: number): Slot {
  const chooser = parts.chooser;
  // gRPC has no same-endpoint retry (no fail-over status rules): every attempt asks the balancer.
  const endpoint = chooser.choose(call.route, n, false, call.service, call.operation);
  const breaker = chooser.breaker;
  return { endpoint, breaker, started: parts.clock.now(), seen: breaker?.successes ?? 0 };
}

export type Failure = Exclude<Outcome, { kind: "ok" }>;

const UNAVAILABLE = 14;

/** What classify needs of a call (a GrpcCall of the stream engine, or the chain's call). */
export interface ClassifyContext {
  readonly service: string;
  readonly operation: string;
  /** The caller's signal. */
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number;
}

/**
 * What an attempt's rejection means. `limitedByAttempt`: the attempt's timeout was shorter than the deadline left.
 * `clientClosed`: close() cut the call, which stays connect-es's CANCELLED like the caller's own abort.
 */
export function classify(call: ClassifyContext, error: unknown, endpoint: string, limitedByAttempt: boolean, clientClosed: boolean): Failure {
  const context = { service: call.service, operation: call.operation, endpoint };
  if (call.signal?.aborted) return { kind: "aborted", error: new AbortError({ service: call.service, operation: call.operation, cause: call.signal.reason }) };
  const ce = ConnectError.from(error);
  // A status the server sent arrives with grpc-status in its metadata; the client library's own verdicts do not.
  const fromServer = ce.metadata.has("grpc-status");
  // svcgen's own ConnectError (thrown by user middleware) says the same: nothing was sent.
  const svcgenNotSent = !fromServer && isSvcgenConnectError(error);
  const notSent = svcgenNotSent || (!fromServer && wasNotSent(error));
  let how: "status" | "not_sent" | "attempt_timeout" | "deadline" | "reset";
  if (fromServer) how = "status";
  else if (notSent) how = "not_sent";
  else if (ce.code === 4) how = limitedByAttempt ? "attempt_timeout" : "deadline";
  else how = "reset";
  // A server that died or a connection that broke mid-call is UNAVAILABLE (as grpc-js and grpc-go say), whatever
  // connect-es called it: only the caller's signal (handled above) makes a call CANCELLED. The how stays "reset", so a
  // method that is not idempotent is still never sent again (the server may have run it).
  const lost = how === "reset" && !clientClosed && lostConnection(error);
  const code = lost || svcgenNotSent ? UNAVAILABLE : ce.code;
  const message =
    how === "deadline"
      ? `deadline of ${call.timeoutMs} ms exceeded`
      : how === "attempt_timeout"
        ? `attempt timed out (${ce.rawMessage})`
        : lost
          ? `the connection was lost during the call (${ce.rawMessage})`
          : ce.rawMessage;
  const details: { type: string; value: Uint8Array }[] = [];
  for (const d of ce.details) if ("type" in d && d.value instanceof Uint8Array) details.push({ type: d.type, value: d.value });
  const grpcError = new GrpcError(code, message, metadataRecord(ce.metadata), details, { ...context, cause: error });
  const pushback = ce.metadata.get("grpc-retry-pushback-ms");
  return {
    kind: "failed",
    error: grpcError,
    how,
    pushbackMs: pushback === null ? undefined : /^\d{1,9}$/.test(pushback.trim()) ? Number(pushback.trim()) : null,
  };
}

const OK: AttemptRecord["outcome"] = Object.freeze({ kind: "status", status: 0 });

/** The attempt record's outcome: server answers carry the gRPC status code; 0 is OK. */
export function recordOutcome(outcome: Outcome): AttemptRecord["outcome"] {
  if (outcome.kind === "ok") return OK;
  if (outcome.kind === "aborted") return { kind: "error", code: outcome.error.code };
  if (outcome.kind === "rejected") {
    const code = (outcome.error as { code?: unknown } | null)?.code;
    return { kind: "error", code: typeof code === "string" ? code : "ERROR" };
  }
  switch (outcome.how) {
    case "status":
      return { kind: "status", status: outcome.error.statusCode };
    case "not_sent":
      return { kind: "connect" };
    case "attempt_timeout":
    case "deadline":
      return { kind: "timeout" };
    case "reset":
      return { kind: "reset" };
  }
}

/**
 * Tells the endpoint's breaker and the balancer how the attempt went. (The service breaker hears the call once, with
 * its final outcome, in the engine: outside the retries, as the HTTP circuit layer.)
 */
export function settle(parts: AttemptParts, slot: Slot, outcome: Outcome, rotate: boolean): void {
  const { clock, balancer } = parts;
  let failure: boolean | undefined;
  let result: AttemptResult["kind"];
  let status = 0;
  if (outcome.kind === "ok") {
    failure = false;
    result = "response";
  } else if (outcome.kind === "aborted" || outcome.kind === "rejected") {
    failure = undefined;
    result = "cancelled";
  } else if (outcome.how === "status") {
    status = outcome.error.statusCode;
    failure = statusIsFailure(status);
    result = "response";
  } else {
    failure = outcome.how === "deadline" ? undefined : true;
    result = outcome.how === "not_sent" ? "connect" : outcome.how === "reset" ? "reset" : "timeout";
  }
  const timedOut = result === "timeout" && failure === true;
  if (slot.breaker !== undefined) {
    if (timedOut) slot.breaker.timedOut(clock.now(), slot.seen);
    else record(slot.breaker, clock, failure);
  }
  if (outcome.kind === "failed" && outcome.how === "not_sent") parts.onStale?.();
  balancer.onResult?.(slot.endpoint, {
    kind: result,
    status,
    failed: failure === true,
    rotate,
    latencyMs: clock.now() - slot.started,
    breaker: slot.breaker?.state,
  });
}

/** Stamps the error with the call's attempts and whether no server can have seen the call. */
export function finish<E>(error: E, call: GrpcCall): E {
  if (error instanceof Error && "attempts" in error) {
    const e = error as unknown as { attempts: readonly AttemptRecord[]; notProcessed: boolean };
    e.attempts = call.records;
    e.notProcessed = call.records.every((r) => provesNotProcessed(r.outcome));
  }
  return error;
}

export function emitAttempt(events: EventSink, call: GrpcCall, n: number, rec: MutableRecord): void {
  if (!events.wants("attempt", call.onEvent)) return;
  events.emit(
    "attempt",
    { type: "attempt", service: call.service, operation: call.operation, attempt: n, endpoint: rec.endpoint, outcome: rec.outcome, durationMs: rec.durationMs },
    call.onEvent,
  );
}

export { metadataRecord };
