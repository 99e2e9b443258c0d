// Endpoint pick layer: where each attempt goes (choose.ts) and who hears how it went, for either protocol (what an
// outcome means is the call's Protocol's, protocol.ts).
//   - Waits for discovery's first answer; then EndpointChooser picks (balancer, per-endpoint breakers, panic routing).
//   - A same-endpoint retry (fail-over rules: the retry layer did not ask to move on) stays where the previous went.
//   - Every endpoint the balancer picked hears exactly one result (with the attempt's latency); a connect error also
//     asks discovery to re-resolve soon.
//   - A timeout counts against the endpoint's breaker only when the endpoint answered nothing successfully while the
//     attempt waited (CircuitBreaker.timedOut).
import { record } from "./circuit.js";
import { EndpointChooser } from "./choose.js";
import type { Balancer } from "./types.js";
import type { Clock } from "./clock.js";
import type { EndpointSet } from "./discovery/set.js";
import type { BaseCall, Layer } from "./chain.js";
import type { Protocol } from "./protocol.js";

export interface PickLayerOptions {
  readonly clock: Clock;
  readonly set: EndpointSet;
  readonly balancer: Balancer;
  /** A connect error, or a call that found no endpoint: discovery may want to look again. */
  readonly onStale?: (() => void) | undefined;
}

export function pickLayer<C extends BaseCall, R>(options: PickLayerOptions): Layer<C, R> {
  const { clock, set, balancer, onStale } = options;
  const onResult = balancer.onResult?.bind(balancer);

  const chooser = new EndpointChooser(clock, set, balancer, onStale);

  return (next) => async (exchange) => {
    if (!set.ready) await set.whenReady(exchange.signal);
    const call = exchange.call;
    const protocol = call.protocol as Protocol<R>;
    const endpoint = chooser.choose(call.route, exchange.attempt, !exchange.moveOn, call.service, call.op.id);
    const breaker = chooser.breaker;
    exchange.endpoint = endpoint;
    const started = onResult === undefined ? 0 : clock.now();
    const seen = breaker === undefined ? 0 : breaker.successes;
    let res: R;
    try {
      res = await next(exchange);
    } catch (error) {
      const facts = protocol.errorFacts(error);
      if (breaker !== undefined) {
        if (facts.timedOut && facts.failure === true) breaker.timedOut(clock.now(), seen);
        else record(breaker, clock, facts.failure);
      }
      if (onResult !== undefined) {
        const rotate = protocol.verdict(exchange, undefined, error, undefined) === "rotate";
        onResult(endpoint, { kind: facts.kind, status: facts.status, failed: facts.failure === true, rotate, latencyMs: clock.now() - started, breaker: breaker?.state });
      }
      if (onStale !== undefined && facts.kind === "connect") onStale();
      throw error;
    }
    const status = protocol.status(res);
    const failed = protocol.statusIsFailure(status);
    if (breaker !== undefined) record(breaker, clock, failed);
    if (onResult !== undefined) {
      // The retry layer's verdict: a listed status that is not 2xx rotates (checked before acceptStatus).
      const rotate = protocol.verdict(exchange, res, undefined, undefined) === "rotate";
      onResult(endpoint, { kind: "response", status, failed, rotate, latencyMs: clock.now() - started, breaker: breaker?.state });
    }
    return res;
  };
}
