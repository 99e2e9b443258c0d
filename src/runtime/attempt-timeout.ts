// Innermost policy: bounds one attempt by the smaller of the per-attempt timeout and what is left of the call's
// deadline: one timer per attempt enforces both (TimeoutError or DeadlineExceededError as the reason). With neither a
// deadline nor an attempt timeout the attempt runs on the caller's signal alone.
// How the timer ends the attempt depends on the transport. The built-in undici transport cancels cheaply: it puts
// its abort on `exchange.cancel` while the attempt is in flight, and the timer calls it (no AbortController, no
// listener: an AbortController and its EventTarget listeners cost more than the rest of the chain together). Any other
// transport (RuntimeHooks.transport) gets an AbortSignal, with the caller's signal linked in.
import { DeadlineExceededError, TimeoutError } from "./errors.js";
import type { Clock } from "./clock.js";
import type { Exchange, Middleware } from "./chain.js";

/** Why the attempt's time is up. (A module function: no closure per attempt.) */
function expiry(exchange: Exchange, byAttempt: boolean, perAttempt: number): unknown {
  const call = exchange.call;
  const context = { service: call.service, operation: call.op.id, endpoint: exchange.endpoint?.origin };
  return byAttempt ? new TimeoutError(perAttempt, context) : new DeadlineExceededError(call.timeoutMs, context);
}

/** `cheapCancel`: the transport honours `exchange.cancel` (the built-in undici transport does). */
export function attemptTimeoutLayer(clock: Clock, attemptTimeoutMs: number | undefined, cheapCancel = false): Middleware {
  const perAttempt = attemptTimeoutMs !== undefined && Number.isFinite(attemptTimeoutMs) && attemptTimeoutMs > 0 ? attemptTimeoutMs : Infinity;
  return (next) => async (exchange) => {
    const call = exchange.call;
    const remaining = Math.max(0, call.deadlineAt - clock.now());
    const byAttempt = perAttempt < remaining;
    const limit = byAttempt ? perAttempt : remaining;
    if (limit === Infinity) return next(exchange);
    if (cheapCancel) {
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
