// The gRPC side of the chain's Protocol (../protocol.ts). The connect-es adapters (connect-transport.ts,
// middleware.ts) turn every attempt's rejection into the runtime's vocabulary with attempt.ts's classify: a GrpcError
// that remembers how it happened on the wire (a status from the server, no stream at all, a local timeout, the
// call's deadline, a broken stream) and the server's grpc-retry-pushback-ms; the caller's abort an AbortError; what
// user middleware threw a MiddlewareRejection. From that this adapter answers the layers:
//   - verdict: a call that never reached a stream is re-sent when retry_on has "connect" (for every method); a status
//     named in grpc_retry_on, an attempt timeout ("timeout") or a broken stream only for idempotent methods (the
//     retry layer checks Call.retryable too); the call's own deadline, a closed client or a bad pushback never;
//   - the server's pause: grpc-retry-pushback-ms; a call that never reached a stream while another endpoint is
//     untried goes there at once (pause 0);
//   - at most MAX_GRPC_ATTEMPTS attempts (gRFC A6); the deadline's error is DEADLINE_EXCEEDED;
//   - breakers: statuses by statusIsFailure (codes.ts); the call's own deadline and middleware's own errors are no
//     evidence about the service or the endpoint.
import { isSvcgenError } from "../errors.js";
import { MAX_GRPC_ATTEMPTS } from "../vocabulary.js";
import { statusIsFailure } from "./codes.js";
import { GrpcError } from "./errors.js";
import { MiddlewareRejection, classify, recordOutcome } from "./attempt.js";
import type { AttemptOutcome } from "../classify.js";
import type { BaseCall } from "../chain.js";
import type { ErrorFacts, Protocol, Settlement } from "../protocol.js";
import type { RetrySettings } from "../types.js";
import type { ClassifyContext, Failure } from "./attempt.js";

type How = "status" | "not_sent" | "attempt_timeout" | "deadline" | "reset";

/** How a classified attempt failure happened; kept on its GrpcError (not enumerable: not part of the public error). */
interface Wire {
  readonly how: How;
  readonly pushbackMs: number | null | undefined;
  /** What connect-es (or middleware) rejected with, for middleware that compares failures. */
  readonly raw: unknown;
}
const WIRE: unique symbol = Symbol("svcgen.runtime.grpc.attempt-wire") as never;

function wireOf(error: unknown): Wire | undefined {
  return error instanceof GrpcError ? (error as unknown as { [WIRE]?: Wire })[WIRE] : undefined;
}

/** The raw rejection behind a classified attempt error (the error itself otherwise). */
export function rawOf(error: unknown): unknown {
  return wireOf(error)?.raw ?? error;
}

/** Classifies an attempt's rejection for the chain: what the adapters throw. */
export function attemptError(context: ClassifyContext, error: unknown, endpoint: string, limitedByAttempt: boolean, clientClosed: boolean): unknown {
  return thrown(classify(context, error, endpoint, limitedByAttempt, clientClosed), error);
}

function thrown(failure: Failure, raw: unknown): unknown {
  if (failure.kind === "aborted") return failure.error;
  if (failure.kind === "rejected") return new MiddlewareRejection(failure.error);
  const wire: Wire = { how: failure.how, pushbackMs: failure.pushbackMs, raw };
  Object.defineProperty(failure.error, WIRE, { value: wire });
  return failure.error;
}

/** The chain's view of a gRPC call's context for classify. */
export function contextOf(call: BaseCall): ClassifyContext {
  return { service: call.service, operation: call.op.id, signal: call.callerSignal, timeoutMs: call.timeoutMs };
}

export interface GrpcProtocolOptions {
  readonly retry: RetrySettings;
  /** Status codes retried for idempotent methods (grpc_retry_on). */
  readonly retryOn: ReadonlySet<number>;
  /** A closed client sends nothing more (another attempt would open a connection close() just cut). */
  readonly isClosed: () => boolean;
}

const CANCELLED: ErrorFacts = { kind: "cancelled", status: 0, failure: undefined, timedOut: false };

/**
 * `R`: a unary answer or a committed stream (always OK: every other status is a rejection). `settlement`: for
 * streams, when and how the answer ended (StreamAnswer.settled).
 */
export function grpcProtocol<R>(options: GrpcProtocolOptions, settlement?: (res: R) => Promise<Settlement>): Protocol<R> {
  const { retry, retryOn, isClosed } = options;
  return {
    ...(settlement !== undefined ? { settlement } : {}),
    name: "grpc",
    attemptCap: MAX_GRPC_ATTEMPTS,
    exhausted: () => undefined,
    status: () => 0,
    statusIsFailure,
    accepted: () => true,
    serverPause(exchange, res, error) {
      const wire = res === undefined ? wireOf(error) : undefined;
      if (wire === undefined) return undefined;
      if (typeof wire.pushbackMs === "number") return wire.pushbackMs;
      if (wire.how === "not_sent") {
        // Another endpoint may take it now: no pause while the set has one this call has not tried.
        const route = exchange.call.route;
        const endpoints = route.endpoints;
        for (let i = 0; i < endpoints.length; i++) if (!route.tried(endpoints[i]!)) return 0;
      }
      return undefined;
    },
    verdict(exchange, res, error) {
      if (res !== undefined) return "final";
      const wire = wireOf(error);
      const call = exchange.call;
      // A request stream of which something was read cannot be sent again (Call.replayable is live for streams).
      if (wire === undefined || wire.pushbackMs === null || !call.replayable || isClosed()) return "final";
      let retriable: boolean;
      switch (wire.how) {
        case "not_sent":
          retriable = retry.retryOnConnect;
          break;
        case "deadline":
          retriable = false;
          break;
        case "attempt_timeout":
          retriable = call.retryable && retry.retryOnTimeout;
          break;
        case "reset":
          retriable = call.retryable && (retry.retryOnConnect || retryOn.has((error as GrpcError).statusCode));
          break;
        case "status":
          retriable = call.retryable && retryOn.has((error as GrpcError).statusCode);
          break;
      }
      return retriable ? "rotate" : "final";
    },
    errorOutcome(error): AttemptOutcome {
      const wire = wireOf(error);
      if (wire !== undefined) {
        const e = error as GrpcError;
        return recordOutcome({ kind: "failed", error: e, how: wire.how, pushbackMs: wire.pushbackMs });
      }
      const inner = error instanceof MiddlewareRejection ? error.error : error;
      if (isSvcgenError(inner)) return { kind: "error", code: inner.code };
      const code = (inner as { code?: unknown } | null)?.code;
      return { kind: "error", code: typeof code === "string" ? code : "ERROR" };
    },
    errorFacts(error): ErrorFacts {
      const wire = wireOf(error);
      if (wire === undefined) return CANCELLED;
      switch (wire.how) {
        case "status": {
          const status = (error as GrpcError).statusCode;
          return { kind: "response", status, failure: statusIsFailure(status), timedOut: false };
        }
        case "not_sent":
          return { kind: "connect", status: 0, failure: true, timedOut: false };
        case "reset":
          return { kind: "reset", status: 0, failure: true, timedOut: false };
        case "attempt_timeout":
          return { kind: "timeout", status: 0, failure: true, timedOut: true };
        case "deadline":
          // The call's own deadline (a stream may be meant to run that long): no evidence about the endpoint.
          return { kind: "timeout", status: 0, failure: undefined, timedOut: false };
      }
    },
    // Nothing sent, the caller's abort, middleware's own error, or the call's own deadline: no evidence.
    silent(error) {
      const wire = wireOf(error);
      return wire === undefined || wire.how === "deadline";
    },
    deadlineError: (call, timeoutMs, beforeSending) =>
      new GrpcError(4, `deadline of ${timeoutMs} ms exceeded${beforeSending ? " before sending" : ""}`, {}, [], { service: call.service, operation: call.op.id }),
  };
}
