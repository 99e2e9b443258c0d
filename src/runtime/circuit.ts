// Service-wide breaker layer, outside the retry layer: it hears each call once, with its final outcome after every
// retry and rotation, so it opens on evidence about the service rather than about one attempt. An open breaker
// rejects at once with CircuitOpenError and sends nothing.
//   - A call whose last attempt got an answer: 5xx and 429 are failures, everything else a success (classify.ts).
//   - A call that ended on a transport failure (connect, reset, timeout): with one endpoint that is the service's
//     failure. With several, a transport failure is one endpoint's business (its own breaker counts it, pick.ts), so
//     it counts only when the call failed on at least two different endpoints; one dead pod among three, or a burst
//     of stalls on one, cannot open the breaker of the whole service.
//   - A call that timed out while the service answered another call successfully is slow, not a sign the service is
//     down: no verdict (CircuitBreaker.timedOut, the rule endpoints follow too).
//   - A call that sent nothing (an endpoint breaker refused, no endpoints) or that the caller aborted gives no
//     verdict and frees a half-open probe slot.
//   - A call to an operation's own absolute server (route.fixed, servers.ts) is that server's business: its own breaker
//     counts it (pick.ts), and an upload host that is down does not shut the service's API.
// Counting calls rather than attempts also keeps random errors from looking like an outage under concurrency: with
// 5 % 503s and three attempts a call fails about once in 8 000, where five 503 attempts in a row come every few
// seconds at a few thousand attempts per second.
import { CircuitOpenError } from "./errors.js";
import type { CircuitBreaker } from "./breaker.js";
import type { BaseCall, Layer } from "./chain.js";
import type { Clock } from "./clock.js";
import type { Protocol } from "./protocol.js";
import type { AttemptRecord } from "./types.js";

/** `severalEndpoints`: is the set larger than one endpoint right now? */
export function circuitLayer<C extends BaseCall, R>(clock: Clock, breaker: CircuitBreaker | undefined, severalEndpoints: () => boolean = () => false): Layer<C, R> {
  if (breaker === undefined) return (next) => next;
  /** The call ended in `error`: what its attempts say about the service. (No closure per call.) */
  function failed(call: BaseCall, error: unknown, seen: number): void {
    const verdict = (call.protocol as Protocol<R>).silent(error) ? undefined : callVerdict(call.attempts, severalEndpoints(), call.protocol.statusIsFailure);
    // A call that ran out of time while the service answered others is slow, not evidence of a dead service.
    if (verdict === true && call.attempts[call.attempts.length - 1]!.outcome.kind === "timeout") breaker!.timedOut(clock.now(), seen);
    else record(breaker!, clock, verdict);
  }
  return (next) => async (exchange) => {
    const call = exchange.call;
    if (call.route.fixed !== undefined) return next(exchange);
    const protocol = call.protocol as Protocol<R>;
    if (breaker.state !== "closed" && !breaker.tryAcquire(clock.now())) {
      throw new CircuitOpenError("service", { service: call.service, operation: call.op.id });
    }
    const seen = breaker.successes;
    let res: R;
    try {
      res = await next(exchange);
    } catch (error) {
      failed(call, error, seen);
      throw error;
    }
    const settled = protocol.settlement?.(res);
    if (settled !== undefined) {
      // A committed stream: the call's verdict comes when it is over.
      void settled.then((s) => (s === "ok" ? record(breaker, clock, false) : s === "abandoned" ? breaker.release() : failed(call, s.error, seen)));
      return res;
    }
    record(breaker, clock, protocol.statusIsFailure(protocol.status(res)));
    return res;
  };
}

/**
 * A call that ended in an error: what its attempts say about the service (undefined: nothing). Statuses are the
 * protocol's (HTTP statuses, gRPC codes: `statusIsFailure` tells which count).
 */
export function callVerdict(attempts: readonly AttemptRecord[], several: boolean, statusIsFailure: (status: number) => boolean): boolean | undefined {
  const last = attempts[attempts.length - 1];
  if (last === undefined) return undefined;
  const outcome = last.outcome;
  if (outcome.kind === "status") return statusIsFailure(outcome.status);
  if (!isTransport(outcome.kind)) return undefined;
  if (!several) return true;
  for (let i = 0; i < attempts.length - 1; i++) {
    if (isTransport(attempts[i]!.outcome.kind) && attempts[i]!.endpoint !== last.endpoint) return true;
  }
  return undefined;
}

function isTransport(kind: AttemptRecord["outcome"]["kind"]): boolean {
  return kind === "connect" || kind === "reset" || kind === "timeout";
}

/** Applies a verdict (true failure, false success, undefined none) to a breaker that let the request through. */
export function record(breaker: CircuitBreaker, clock: Clock, failure: boolean | undefined): void {
  if (failure === undefined) breaker.release();
  else if (failure) breaker.failure(clock.now());
  else breaker.success(clock.now());
}
