// Outermost layer: fixes the call's deadline (one budget over every attempt and pause) and takes the caller's
// signal. A spent deadline or an already-aborted signal sends nothing. No timer lives here: pauses that would reach
// the deadline are never taken (retry layer), and each attempt is bounded by min(attempt timeout, time left) in the
// attempt-timeout layer, so one timer per attempt enforces both. Inner layers see the caller's signal, if any, and
// the deadline, on the exchange passed inward (never on the shared call).
import { AbortError } from "./errors.js";
import { finishError } from "./classify.js";
import type { Clock } from "./clock.js";
import type { BaseCall, Layer } from "./chain.js";

/** The deadline's errors are the call's protocol's (HTTP DeadlineExceededError; gRPC DEADLINE_EXCEEDED). */
export function deadlineLayer<C extends BaseCall, R>(clock: Clock): Layer<C, R> {
  return (next) => (exchange) => {
    const call = exchange.call;
    const caller = call.callerSignal;
    if (caller?.aborted) {
      return Promise.reject(finishError(new AbortError({ service: call.service, operation: call.op.id, cause: caller.reason }), call.attempts));
    }
    const timeoutMs = call.timeoutMs;
    if (!(timeoutMs > 0)) {
      return Promise.reject(finishError(call.protocol.deadlineError(call, Math.max(0, timeoutMs || 0), true), call.attempts));
    }
    exchange.deadlineAt = Number.isFinite(timeoutMs) ? clock.now() + timeoutMs : Infinity;
    exchange.signal = caller;
    return next(exchange);
  };
}
