// Endpoint pick layer: where each attempt goes.
//   - Waits for discovery's first answer; an empty set fails the call at once with NoEndpointsError (nothing sent).
//   - A same-endpoint retry (failover rules) stays where the previous attempt went; otherwise the balancer picks.
//   - An endpoint whose own breaker is open is refused: the call marks it tried and the balancer picks again. When
//     every pick is refused the call fails with CircuitOpenError and sends nothing.
//     With more than one endpoint that cannot happen while the ejection cap holds (discovery/set.ts); if it does (a
//     custom balancer, half-open probe slots all taken), the call goes to the balancer's pick anyway — Envoy's panic
//     routing: breakers must not fail a call that some endpoint may still serve.
//   - Every endpoint the balancer picked hears exactly one result (with the attempt's latency); a connect error also
//     asks discovery to re-resolve soon.
//   - A timeout counts against the endpoint's breaker only when the endpoint answered nothing successfully while the
//     attempt waited (CircuitBreaker.timedOut).
import { CircuitOpenError, NoEndpointsError, isConnectError, isDeadlineExceededError, isResetError, isTimeoutError } from "./errors.js";
import { errorIsFailure, errorVerdict, statusIsFailure } from "./classify.js";
import { record } from "./circuit.js";
import type { Balancer, AttemptResult, RetrySettings } from "./types.js";
import type { CircuitBreaker } from "./breaker.js";
import type { Clock } from "./clock.js";
import type { Endpoint } from "./endpoints.js";
import type { EndpointSet } from "./discovery/set.js";
import type { Exchange, Layer } from "./chain.js";
import type { TransportResponse } from "./response.js";

export interface PickLayerOptions {
  readonly clock: Clock;
  readonly set: EndpointSet;
  readonly balancer: Balancer;
  readonly settings: RetrySettings;
  /** Failover rules decide which outcomes rotate (see classify.ts). */
  readonly failoverRules: boolean;
  /** A connect error, or a call that found no endpoint: discovery may want to look again. */
  readonly onStale?: (() => void) | undefined;
}

export function pickLayer(options: PickLayerOptions): Layer {
  const { clock, set, balancer, settings, failoverRules, onStale } = options;
  const onResult = balancer.onResult?.bind(balancer);
  const retryOnStatus = settings.retryOnStatus;

  function chosen(endpoint: Endpoint, breaker: CircuitBreaker | undefined): Endpoint {
    chosenBreaker = breaker;
    return endpoint;
  }

  /** A closed breaker admits without reading the clock. (False implies a breaker.) */
  function admits(breaker: CircuitBreaker | undefined): boolean {
    return breaker === undefined || breaker.state === "closed" || breaker.tryAcquire(clock.now());
  }

  // The chosen endpoint's breaker, handed from choose() to the layer (synchronously: no object per attempt).
  let chosenBreaker: CircuitBreaker | undefined;

  function choose(exchange: Exchange): Endpoint {
    const call = exchange.call;
    const route = call.route;
    const endpoints = set.endpoints;
    route.endpoints = endpoints;
    route.attempt = exchange.attempt;
    if (endpoints.length === 0) {
      onStale?.();
      throw set.error({ service: call.service, operation: call.op.id });
    }
    const previous = route.previous;
    if (!exchange.moveOn && previous !== undefined) {
      // A same-endpoint retry: stay, unless the endpoint left the set or its breaker refuses.
      const same = set.lookup(previous.origin);
      if (same !== undefined) {
        const breaker = set.breaker(same.origin);
        if (admits(breaker)) return chosen(same, breaker);
      }
    }
    let refused: Endpoint | undefined;
    let refusedBefore: string | undefined; // the first refusal of this attempt
    for (let i = 0; i <= endpoints.length; i++) {
      const endpoint = balancer.pick(route);
      if (endpoint === undefined) break;
      if (refused !== undefined && (endpoint.origin === refused.origin || endpoint.origin === refusedBefore)) break; // it insists
      const breaker = set.breaker(endpoint.origin);
      if (admits(breaker)) return chosen(endpoint, breaker);
      refusedBefore ??= endpoint.origin;
      refused = endpoint;
      route.mark(endpoint);
      onResult?.(endpoint, { kind: "skipped", status: 0, failed: false, rotate: false, latencyMs: 0, breaker: breaker?.state });
    }
    const context = { service: call.service, operation: call.op.id };
    if (refused === undefined) throw new NoEndpointsError("balancer", `the ${balancer.name} balancer declined every endpoint`, context);
    // The balancer keeps proposing endpoints whose breaker is open: an open breaker must not fail a call that another
    // endpoint can take, so walk the set in order from the last refusal.
    const from = endpoints.findIndex((e) => e.origin === refused.origin);
    for (let k = 1; k < endpoints.length; k++) {
      const endpoint = endpoints[(from + k) % endpoints.length]!;
      const breaker = set.breaker(endpoint.origin);
      if (admits(breaker)) return chosen(endpoint, breaker);
    }
    // Panic: every endpoint of several refuses. Route past the breakers (none records this attempt) rather than fail.
    if (endpoints.length > 1) return chosen(endpoints[(from + 1) % endpoints.length]!, undefined);
    throw new CircuitOpenError("endpoint", { ...context, endpoint: refused.origin });
  }

  function errorResult(error: unknown, latencyMs: number, breaker: CircuitBreaker | undefined): AttemptResult {
    const failure = errorIsFailure(error);
    const kind: AttemptResult["kind"] = isConnectError(error)
      ? "connect"
      : isTimeoutError(error) || isDeadlineExceededError(error)
        ? "timeout"
        : isResetError(error)
          ? "reset"
          : failure === undefined
            ? "cancelled"
            : "error";
    return { kind, status: 0, failed: failure === true, rotate: errorVerdict(error, settings, failoverRules) === "rotate", latencyMs, breaker: breaker?.state };
  }

  return (next) => async (exchange) => {
    if (!set.ready) await set.whenReady(exchange.signal);
    const endpoint = choose(exchange);
    const breaker = chosenBreaker;
    exchange.call.route.mark(endpoint);
    exchange.endpoint = endpoint;
    const started = onResult === undefined ? 0 : clock.now();
    const seen = breaker === undefined ? 0 : breaker.successes;
    let res: TransportResponse;
    try {
      res = await next(exchange);
    } catch (error) {
      if (breaker !== undefined) {
        if (isTimeoutError(error) || isDeadlineExceededError(error)) breaker.timedOut(clock.now(), seen);
        else record(breaker, clock, errorIsFailure(error));
      }
      if (onResult !== undefined) onResult(endpoint, errorResult(error, clock.now() - started, breaker));
      if (onStale !== undefined && isConnectError(error)) onStale();
      throw error;
    }
    const status = res.status;
    const failed = statusIsFailure(status);
    if (breaker !== undefined) record(breaker, clock, failed);
    if (onResult !== undefined) {
      // As classify.statusVerdict: a listed status that is not 2xx rotates (checked before acceptStatus).
      const rotate = (status < 200 || status >= 300) && retryOnStatus.includes(status);
      onResult(endpoint, { kind: "response", status, failed, rotate, latencyMs: clock.now() - started, breaker: breaker?.state });
    }
    return res;
  };
}
