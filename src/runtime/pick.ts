// Endpoint pick layer: where each attempt goes (choose.ts, shared with gRPC) and who hears how it went.
//   - Waits for discovery's first answer; then EndpointChooser picks (balancer, per-endpoint breakers, panic routing).
//   - A same-endpoint retry (fail-over rules: the retry layer did not ask to move on) stays where the previous went.
//   - Every endpoint the balancer picked hears exactly one result (with the attempt's latency); a connect error also
//     asks discovery to re-resolve soon.
//   - A timeout counts against the endpoint's breaker only when the endpoint answered nothing successfully while the
//     attempt waited (CircuitBreaker.timedOut).
import { isConnectError, isDeadlineExceededError, isResetError, isTimeoutError } from "./errors.js";
import { errorIsFailure, errorVerdict, statusIsFailure } from "./classify.js";
import { record } from "./circuit.js";
import { EndpointChooser } from "./choose.js";
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

  const chooser = new EndpointChooser(clock, set, balancer, onStale);

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
    const call = exchange.call;
    const endpoint = chooser.choose(call.route, exchange.attempt, !exchange.moveOn, call.service, call.op.id);
    const breaker = chooser.breaker;
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
