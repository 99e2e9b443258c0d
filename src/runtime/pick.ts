// Endpoint pick layer: takes the route's current endpoint, skipping endpoints whose own breaker is open (ejected).
// When every endpoint is ejected it rejects with CircuitOpenError and sends nothing. One breaker per endpoint.
import { CircuitOpenError } from "./errors.js";
import { errorIsFailure, statusIsFailure } from "./classify.js";
import { record } from "./circuit.js";
import type { CircuitBreaker } from "./breaker.js";
import type { Clock } from "./clock.js";
import type { Middleware } from "./chain.js";
import type { TransportResponse } from "./response.js";

export function pickLayer(clock: Clock, breakers: readonly (CircuitBreaker | undefined)[], onSkip?: (origin: string) => void): Middleware {
  return (next) => async (exchange) => {
    const route = exchange.call.route;
    let endpoint = route.current();
    let breaker = breakers[endpoint.index];
    if (breaker !== undefined && !breaker.tryAcquire(clock.now())) {
      let found = false;
      for (let i = 1; i < route.size; i++) {
        onSkip?.(endpoint.origin);
        route.advance();
        endpoint = route.current();
        breaker = breakers[endpoint.index];
        if (breaker === undefined || breaker.tryAcquire(clock.now())) {
          found = true;
          break;
        }
      }
      if (!found) {
        const call = exchange.call;
        throw new CircuitOpenError("endpoint", { service: call.service, operation: call.op.id, endpoint: endpoint.origin });
      }
    }
    exchange.endpoint = endpoint;
    if (breaker === undefined) return next(exchange);
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
