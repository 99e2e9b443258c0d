// Innermost policy: bounds one attempt by the smaller of the per-attempt timeout and what is left of the call's
// deadline: one timer per attempt enforces both (TimeoutError or DeadlineExceededError as the reason). With neither a
// deadline nor an attempt timeout the attempt runs on the caller's signal alone. Without attempt_timeout_ms, a call
// that may retry timeouts gets an equal share of its deadline per attempt (attemptShareMs).
// How the timer ends the attempt depends on the transport. The built-in undici transport cancels cheaply: it puts
// its abort on `exchange.cancel` while the attempt is in flight, and the timer calls it (no AbortController, no
// listener: an AbortController and its EventTarget listeners cost more than the rest of the chain together). Any other
// transport (RuntimeHooks.transport) gets an AbortSignal, with the caller's signal linked in. A transport that carries
// the limit on the wire (connect-es sends it as `grpc-timeout` and enforces it locally) gets it on the exchange
// (`limitMs`, `limitedByAttempt`) and no timer at all ("wire").
import { attemptShareMs } from "./backoff.js";
import { DeadlineExceededError, TimeoutError } from "./errors.js";
import type { RetrySettings } from "./types.js";
import type { Clock } from "./clock.js";
import type { BaseCall, Exchange, Layer } from "./chain.js";

/** How the attempt ends when its time is up: see the header. */
export type AttemptCancel = "cheap" | "signal" | "wire";

/** Why the attempt's time is up. (A module function: no closure per attempt.) */
function expiry(exchange: Exchange<BaseCall>, byAttempt: boolean, perAttempt: number): unknown {
  const call = exchange.call;
  const context = { service: call.service, operation: call.op.id, endpoint: exchange.endpoint?.origin };
  return byAttempt ? new TimeoutError(perAttempt, context) : new DeadlineExceededError(call.timeoutMs, context);
}

/**
 * `cancel`: "cheap" when the transport honours `exchange.cancel` (the built-in undici transport does), "wire" when it
 * enforces `exchange.limitMs` itself, "signal" otherwise. `retry`: when given
 * and no attempt timeout is set, a retryable call whose timeouts are retried gets attemptShareMs of its deadline per
 * attempt (without it a stalled first attempt would use the whole deadline and the retry on "timeout" never happen).
 */
export function attemptTimeoutLayer<C extends BaseCall, R>(clock: Clock, attemptTimeoutMs: number | undefined, cancel: AttemptCancel = "signal", retry?: RetrySettings): Layer<C, R> {
  const explicit = attemptTimeoutMs !== undefined && Number.isFinite(attemptTimeoutMs) && attemptTimeoutMs > 0;
  const fixed = explicit ? attemptTimeoutMs : Infinity;
  const shared = !explicit && retry !== undefined && retry.retryOnTimeout && retry.maxAttempts > 1 ? retry : undefined;
  return (next) => async (exchange) => {
    const call = exchange.call;
    // The last attempt may use what is left: no retry follows it.
    const perAttempt = shared !== undefined && call.retryable && exchange.attempt < shared.maxAttempts ? attemptShareMs(call.timeoutMs, shared) : fixed;
    const remaining = Math.max(0, exchange.deadlineAt - clock.now());
    const byAttempt = perAttempt < remaining;
    const limit = byAttempt ? perAttempt : remaining;
    if (cancel === "wire") {
      exchange.limitMs = limit;
      exchange.limitedByAttempt = byAttempt;
      return next(exchange);
    }
    if (limit === Infinity) return next(exchange);
    if (cancel === "cheap") {
      const timer = clock.setTimer(() => exchange.cancel?.(expiry(exchange, byAttempt, perAttempt)), limit);
      try {
        return await next(exchange);
      } finally {
        clock.clearTimer(timer);
      }
    }
    const parent = exchange.signal;
    const controller = new AbortController();
    const onParentAbort = (): void => controller.abort(parent?.reason);
    const timer = clock.setTimer(() => controller.abort(expiry(exchange, byAttempt, perAttempt)), limit);
    parent?.addEventListener("abort", onParentAbort, { once: true });
    exchange.signal = controller.signal;
    try {
      return await next(exchange);
    } finally {
      clock.clearTimer(timer);
      parent?.removeEventListener("abort", onParentAbort);
      exchange.signal = parent;
    }
  };
}
