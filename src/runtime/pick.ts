// Endpoint pick layer: where each attempt goes (choose.ts) and who hears how it went, for either protocol (what an
// outcome means is the call's Protocol's, protocol.ts).
//   - Waits for discovery's first answer; then EndpointChooser picks (balancer, per-endpoint breakers, panic routing).
//   - A same-endpoint retry (fail-over rules: the retry layer did not ask to move on) stays where the previous went.
//   - Every endpoint the balancer picked hears exactly one result (with the attempt's latency); a connect error also
//     asks discovery to re-resolve soon.
//   - A timeout counts against the endpoint's breaker only when the endpoint answered nothing successfully while the
//     attempt waited (CircuitBreaker.timedOut).
//   - An operation with its own absolute server (route.fixed, servers.ts) goes to that one endpoint without waiting
//     for discovery; only that server's breaker hears how it went (the balancer never sees a foreign endpoint).
import { record } from "./circuit.js";
import { CircuitOpenError } from "./errors.js";
import { EndpointChooser } from "./choose.js";
import type { Balancer } from "./types.js";
import type { Clock } from "./clock.js";
import type { EndpointSet } from "./discovery/set.js";
import type { BaseCall, Exchange, Layer } from "./chain.js";
import type { CircuitBreaker } from "./breaker.js";
import type { Protocol } from "./protocol.js";
import type { FixedEndpoint } from "./servers.js";

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

  /**
   * The attempt ended in `error`: the endpoint's breaker hears it, and for an endpoint of the set (`ofSet`) the balancer
   * and discovery too. (No closure per attempt.)
   */
  function failed(exchange: Exchange<C>, error: unknown, breaker: CircuitBreaker | undefined, seen: number, started: number, ofSet: boolean): void {
    const hear = ofSet ? onResult : undefined;
    const protocol = exchange.call.protocol as Protocol<R>;
    const facts = protocol.errorFacts(error);
    if (breaker !== undefined) {
      if (facts.timedOut && facts.failure === true) breaker.timedOut(clock.now(), seen);
      else record(breaker, clock, facts.failure);
    }
    if (hear !== undefined) {
      const rotate = protocol.verdict(exchange, undefined, error, undefined) === "rotate";
      hear(exchange.endpoint!, { kind: facts.kind, status: facts.status, failed: facts.failure === true, rotate, latencyMs: clock.now() - started, breaker: breaker?.state });
    }
    if (onStale !== undefined && ofSet && facts.kind === "connect") onStale();
  }

  /** The attempt was answered: the endpoint's breaker and the balancer hear the status. */
  function answered(exchange: Exchange<C>, res: R, breaker: CircuitBreaker | undefined, started: number, ofSet: boolean): void {
    const hear = ofSet ? onResult : undefined;
    const protocol = exchange.call.protocol as Protocol<R>;
    const status = protocol.status(res);
    const failure = protocol.statusIsFailure(status);
    if (breaker !== undefined) record(breaker, clock, failure);
    if (hear !== undefined) {
      // The retry layer's verdict: a listed status that is not 2xx rotates (checked before acceptStatus).
      const rotate = protocol.verdict(exchange, res, undefined, undefined) === "rotate";
      hear(exchange.endpoint!, { kind: "response", status, failed: failure, rotate, latencyMs: clock.now() - started, breaker: breaker?.state });
    }
  }

  /** An attempt of an operation with its own server: its endpoint, its breaker, no balancer. */
  async function toFixed(next: (exchange: Exchange<C>) => Promise<R>, exchange: Exchange<C>, fixed: FixedEndpoint): Promise<R> {
    const call = exchange.call;
    const { endpoint, breaker } = fixed;
    if (breaker !== undefined && breaker.state !== "closed" && !breaker.tryAcquire(clock.now())) {
      throw new CircuitOpenError("endpoint", { service: call.service, operation: call.op.id, endpoint: endpoint.origin });
    }
    call.route.mark(endpoint);
    exchange.endpoint = endpoint;
    const seen = breaker === undefined ? 0 : breaker.successes;
    let res: R;
    try {
      res = await next(exchange);
    } catch (error) {
      failed(exchange, error, breaker, seen, 0, false);
      throw error;
    }
    const settled = (call.protocol as Protocol<R>).settlement?.(res);
    if (settled === undefined) answered(exchange, res, breaker, 0, false);
    else {
      void settled.then((s) => {
        if (s === "ok") answered(exchange, res, breaker, 0, false);
        else if (s === "abandoned") breaker?.release();
        else failed(exchange, s.error, breaker, seen, 0, false);
      });
    }
    return res;
  }

  return (next) => async (exchange) => {
    const fixed = exchange.call.route.fixed;
    if (fixed !== undefined) return toFixed(next, exchange, fixed);
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
      failed(exchange, error, breaker, seen, started, true);
      throw error;
    }
    const settled = protocol.settlement?.(res);
    if (settled === undefined) answered(exchange, res, breaker, started, true);
    else {
      // A committed stream: the endpoint is judged when it is over (the caller stopping early says nothing).
      void settled.then((s) => {
        if (s === "ok") answered(exchange, res, breaker, started, true);
        else if (s === "abandoned") {
          if (breaker !== undefined) breaker.release();
          onResult?.(endpoint, { kind: "cancelled", status: 0, failed: false, rotate: false, latencyMs: clock.now() - started, breaker: breaker?.state });
        } else failed(exchange, s.error, breaker, seen, started, true);
      });
    }
    return res;
  };
}
