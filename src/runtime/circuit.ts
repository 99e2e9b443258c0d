// Service-wide breaker layer. An open breaker rejects at once with CircuitOpenError and sends nothing. Verdicts come
// from classify.ts: 5xx, 429 and transport failures are failures; other statuses are successes; a caller abort or
// an inner rejection gives no verdict and just frees a half-open probe slot.
// With several endpoints, a transport failure (connect, reset, timeout) is one endpoint's business: its own breaker
// counts it (pick.ts), and the service breaker does not, so one dead pod among three, or a burst of calls that all
// start at a dead failover endpoint, cannot open the breaker of the whole service. Answers (5xx, 429, success) from
// any endpoint still count: they speak for the service.
import { CircuitOpenError } from "./errors.js";
import { errorIsFailure, statusIsFailure } from "./classify.js";
import type { CircuitBreaker } from "./breaker.js";
import type { Clock } from "./clock.js";
import type { Middleware } from "./chain.js";
import type { TransportResponse } from "./response.js";

/** `severalEndpoints`: is the set larger than one endpoint right now? */
export function circuitLayer(clock: Clock, breaker: CircuitBreaker | undefined, severalEndpoints: () => boolean = () => false): Middleware {
  if (breaker === undefined) return (next) => next;
  return (next) => async (exchange) => {
    if (breaker.state !== "closed" && !breaker.tryAcquire(clock.now())) {
      const call = exchange.call;
      throw new CircuitOpenError("service", { service: call.service, operation: call.op.id });
    }
    let res: TransportResponse;
    try {
      res = await next(exchange);
    } catch (error) {
      const failure = errorIsFailure(error);
      record(breaker, clock, failure === true && severalEndpoints() ? undefined : failure);
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
