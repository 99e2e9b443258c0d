// load_balancer = "least_request": power of two choices. Two distinct endpoints are drawn at random and the cheaper
// one wins, cost = (in-flight + 1) × latency EWMA.
//   - The EWMA is peak-sensitive: a slower sample takes over at once, a faster one blends in with weight ALPHA, so a
//     slow endpoint is avoided at once and trusted again after a few good answers.
//   - A failure counts as at least FAILURE_PENALTY_MS, so an endpoint that fails fast (connection refused in
//     microseconds) never looks attractive; a 503 now and then costs an endpoint a few requests' worth of traffic.
//   - While an endpoint is not sampled its estimate drifts back to the client-wide typical latency (time constant
//     DECAY_MS), so an endpoint once slow or failing is tried again later instead of being starved forever.
//   - An endpoint with no sample yet is costed at the typical latency. A retry draws among untried endpoints.
import type { Endpoint } from "../endpoints.js";
import type { AttemptResult, Balancer, BalancerContext, EndpointChange, PickRequest } from "../types.js";

/** Weight of a sample that is not a new peak. */
export const ALPHA = 0.3;
/** Time constant of the drift back to the typical latency while an endpoint is not sampled, ms. */
export const DECAY_MS = 10_000;
/** What a failed attempt weighs at least, ms. */
export const FAILURE_PENALTY_MS = 250;

class Stats {
  inFlight = 0;
  /** Peak EWMA of latency, ms; 0 until the first sample. */
  ewma = 0;
  stamp = 0;
}

export class LeastRequestBalancer implements Balancer {
  readonly name = "least_request";
  readonly #context: BalancerContext;
  readonly #stats = new Map<string, Stats>();
  /** Client-wide latency EWMA: the cost of an endpoint with no sample of its own. */
  #typical = 1;
  #scratch: Endpoint[] = [];

  constructor(context: BalancerContext) {
    this.#context = context;
  }

  pick(request: PickRequest): Endpoint | undefined {
    let candidates = request.endpoints;
    if (request.previous !== undefined) {
      // A retry: choose among the admitted endpoints this call has not tried, else among the admitted ones.
      const narrowed = this.#scratch;
      narrowed.length = 0;
      for (const e of candidates) if (!request.tried(e) && request.available(e)) narrowed.push(e);
      if (narrowed.length === 0) for (const e of candidates) if (request.available(e)) narrowed.push(e);
      if (narrowed.length > 0) candidates = narrowed;
    }
    const n = candidates.length;
    if (n === 0) return undefined;
    let chosen: Endpoint;
    if (n === 1) {
      chosen = candidates[0]!;
    } else {
      const random = this.#context.random;
      const i = Math.floor(random() * n) % n;
      let j = Math.floor(random() * (n - 1)) % (n - 1);
      if (j >= i) j++;
      const a = candidates[i]!;
      const b = candidates[j]!;
      const now = this.#context.clock.now();
      chosen = this.#cost(a, now) <= this.#cost(b, now) ? a : b;
    }
    this.#statsOf(chosen).inFlight++;
    return chosen;
  }

  onResult(endpoint: Endpoint, result: AttemptResult): void {
    const s = this.#stats.get(endpoint.origin);
    if (s === undefined) return;
    if (s.inFlight > 0) s.inFlight--;
    if (result.kind === "skipped" || result.kind === "cancelled") return;
    const sample = Math.max(result.failed ? Math.max(result.latencyMs, FAILURE_PENALTY_MS) : result.latencyMs, 0.001);
    s.ewma = s.ewma === 0 || sample > s.ewma ? sample : s.ewma + ALPHA * (sample - s.ewma);
    s.stamp = this.#context.clock.now();
    if (!result.failed) this.#typical += 0.1 * (sample - this.#typical);
  }

  onEndpoints(_endpoints: readonly Endpoint[], change: EndpointChange): void {
    for (const e of change.removed) this.#stats.delete(e.origin);
  }

  /** Tests and describe(): in-flight count and EWMA of one endpoint. */
  stats(endpoint: Endpoint): { inFlight: number; ewmaMs: number } | undefined {
    const s = this.#stats.get(endpoint.origin);
    return s === undefined ? undefined : { inFlight: s.inFlight, ewmaMs: s.ewma };
  }

  #statsOf(endpoint: Endpoint): Stats {
    let s = this.#stats.get(endpoint.origin);
    if (s === undefined) {
      s = new Stats();
      this.#stats.set(endpoint.origin, s);
    }
    return s;
  }

  #cost(endpoint: Endpoint, now: number): number {
    const s = this.#stats.get(endpoint.origin);
    if (s === undefined) return this.#typical;
    const typical = this.#typical;
    const latency = s.ewma === 0 ? typical : typical + (s.ewma - typical) * Math.exp(-(now - s.stamp) / DECAY_MS);
    return (s.inFlight + 1) * latency;
  }
}
