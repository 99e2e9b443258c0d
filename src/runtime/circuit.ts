// Service-wide breaker layer. An open breaker rejects at once with CircuitOpenError and sends nothing. Verdicts come
// from classify.ts: 5xx, 429 and transport failures are failures; other statuses are successes; a caller abort or
// an inner rejection gives no verdict and just frees a half-open probe slot.
import { CircuitOpenError } from "./errors.js";
import { errorIsFailure, statusIsFailure } from "./classify.js";
import type { CircuitBreaker } from "./breaker.js";
import type { Clock } from "./clock.js";
import type { Middleware } from "./chain.js";
import type { TransportResponse } from "./response.js";

export function circuitLayer(clock: Clock, breaker: CircuitBreaker | undefined): Middleware {
  if (breaker === undefined) return (next) => next;
  return (next) => async (exchange) => {
    if (!breaker.tryAcquire(clock.now())) {
      const call = exchange.call;
      throw new CircuitOpenError("service", { service: call.service, operation: call.op.id });
    }
    let res: TransportResponse;
    try {
      res = await next(exchange);
    } catch (error) {
      record(breaker, clock, errorIsFailure(error));
      throw error;
    }
    record(breaker, clock, statusIsFailure(res.status));
    return res;
  };
}

/** Applies a verdict (true failure, false success, undefined none) to a breaker that let the request through. */
export function record(breaker: CircuitBreaker, clock: Clock, failure: boolean | undefined): void {
  if (failure === undefined) breaker.release();
  else if (failure) breaker.failure(clock.now());
  else breaker.success(clock.now());
}
