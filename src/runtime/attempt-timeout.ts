// Innermost policy: bounds one attempt by the smaller of the per-attempt timeout and what is left of the call's
// deadline: one AbortController and one timer per attempt enforce both (TimeoutError or DeadlineExceededError as
// the abort reason). The caller's signal, when given, is linked in. With neither a deadline nor an attempt timeout
// the attempt runs on the caller's signal alone.
import { DeadlineExceededError, TimeoutError } from "./errors.js";
import type { Clock } from "./clock.js";
import type { Middleware } from "./chain.js";

export function attemptTimeoutLayer(clock: Clock, attemptTimeoutMs: number | undefined): Middleware {
  const perAttempt = attemptTimeoutMs !== undefined && Number.isFinite(attemptTimeoutMs) && attemptTimeoutMs > 0 ? attemptTimeoutMs : Infinity;
  return (next) => async (exchange) => {
    const call = exchange.call;
    const remaining = Math.max(0, call.deadlineAt - clock.now());
    const byAttempt = perAttempt < remaining;
    const limit = byAttempt ? perAttempt : remaining;
    if (limit === Infinity) return next(exchange);
    const parent = exchange.signal;
    const controller = new AbortController();
    const onParentAbort = (): void => controller.abort(parent?.reason);
    const timer = clock.setTimer(() => {
      const context = { service: call.service, operation: call.op.id, endpoint: exchange.endpoint?.origin };
      controller.abort(byAttempt ? new TimeoutError(perAttempt, context) : new DeadlineExceededError(call.timeoutMs, context));
    }, limit);
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
