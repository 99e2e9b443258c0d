// load_balancer = "health_aware" (the seed's): round-robin over the endpoints believed healthy.
//   - Active: each endpoint's readiness path (or liveness, ClientOptions.healthCheck.path) is probed on its own
//     jittered timer, interval × (1 ± jitter), so a fleet of clients does not probe in lockstep.
//   - Passive: when the endpoint's circuit breaker opens (the pick layer reports it with each result), it is ejected.
//   - Hysteresis: `unhealthyThreshold` failed probes in a row eject an endpoint; only `healthyThreshold` passed probes
//     in a row bring an ejected one back, whatever ejected it. An endpoint whose probes alternate stays as it is.
//   - Every endpoint ejected: round-robin over all of them (a `balancer_fallback` event says so) rather than failing
//     calls that might succeed.
// Timers are unref'd; close() and endpoint removal clear them and abort probes in flight.
import { RoundRobinCursor } from "./cursor.js";
import { DEFAULT_HEALTH_CHECK } from "../vocabulary.js";
import type { Endpoint } from "../endpoints.js";
import type { AttemptResult, Balancer, BalancerContext, EndpointChange, HealthCheckOptions, PickRequest } from "../types.js";

interface Settings {
  readonly intervalMs: number;
  readonly jitter: number;
  readonly timeoutMs: number;
  readonly fall: number;
  readonly rise: number;
}

class Health {
  healthy = true;
  passes = 0;
  fails = 0;
  timer: unknown = undefined;
  probe: AbortController | undefined = undefined;
  readonly endpoint: Endpoint;
  constructor(endpoint: Endpoint) {
    this.endpoint = endpoint;
  }
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

export class HealthAwareBalancer implements Balancer {
  readonly name = "health_aware";
  readonly #context: BalancerContext;
  readonly #settings: Settings;
  readonly #health = new Map<string, Health>();
  readonly #cursor = new RoundRobinCursor();
  readonly #isHealthy = (e: Endpoint): boolean => this.#health.get(e.origin)?.healthy ?? true;
  #closed = false;

  constructor(context: BalancerContext, options: HealthCheckOptions = {}) {
    this.#context = context;
    const intervalMs = positive(options.intervalMs, DEFAULT_HEALTH_CHECK.intervalMs);
    this.#settings = {
      intervalMs,
      jitter: Math.min(1, Math.max(0, options.jitter ?? DEFAULT_HEALTH_CHECK.jitter)),
      timeoutMs: positive(options.timeoutMs, Math.min(intervalMs, DEFAULT_HEALTH_CHECK.maxTimeoutMs)),
      fall: Math.floor(positive(options.unhealthyThreshold, DEFAULT_HEALTH_CHECK.unhealthyThreshold)),
      rise: Math.floor(positive(options.healthyThreshold, DEFAULT_HEALTH_CHECK.healthyThreshold)),
    };
  }

  /** Is `endpoint` receiving traffic? (Unknown endpoints are.) */
  isHealthy(endpoint: Endpoint): boolean {
    return this.#isHealthy(endpoint);
  }

  pick(request: PickRequest): Endpoint | undefined {
    const endpoint = this.#cursor.next(request, this.#isHealthy);
    if (endpoint !== undefined) return endpoint;
    const c = this.#context;
    if (c.wants("balancer_fallback")) c.emit("balancer_fallback", { balancer: this.name, reason: "no_healthy_endpoint", operation: request.operation, fallback: "round_robin" });
    return this.#cursor.next(request);
  }

  onResult(endpoint: Endpoint, result: AttemptResult): void {
    if (result.breaker !== "open") return;
    const h = this.#health.get(endpoint.origin);
    if (h !== undefined && h.healthy) this.#eject(h, "breaker_open");
  }

  onEndpoints(_endpoints: readonly Endpoint[], change: EndpointChange): void {
    for (const e of change.removed) {
      const h = this.#health.get(e.origin);
      if (h === undefined) continue;
      this.#stop(h);
      this.#health.delete(e.origin);
    }
    if (this.#closed) return;
    for (const e of change.added) {
      if (this.#health.has(e.origin)) continue;
      const h = new Health(e);
      this.#health.set(e.origin, h);
      // The first probe lands anywhere in the first interval: endpoints found together are not probed together.
      this.#schedule(h, this.#settings.intervalMs * this.#context.random());
    }
  }

  close(): void {
    this.#closed = true;
    for (const h of this.#health.values()) this.#stop(h);
    this.#health.clear();
  }

  #stop(h: Health): void {
    if (h.timer !== undefined) this.#context.clock.clearTimer(h.timer);
    h.timer = undefined;
    h.probe?.abort();
    h.probe = undefined;
  }

  #schedule(h: Health, ms: number): void {
    const clock = this.#context.clock;
    h.timer = clock.setTimer(() => {
      h.timer = undefined;
      void this.#probe(h);
    }, ms);
    (h.timer as { unref?: () => void } | null)?.unref?.();
  }

  async #probe(h: Health): Promise<void> {
    const { clock } = this.#context;
    const s = this.#settings;
    const controller = new AbortController();
    h.probe = controller;
    const timer = clock.setTimer(() => controller.abort(), s.timeoutMs);
    let ok: boolean;
    try {
      ok = await this.#context.check(h.endpoint, controller.signal);
    } catch {
      ok = false;
    } finally {
      clock.clearTimer(timer);
    }
    // Removed or closed meanwhile: this Health is gone, do nothing more.
    if (h.probe !== controller || this.#health.get(h.endpoint.origin) !== h) return;
    h.probe = undefined;
    if (ok) {
      h.passes++;
      h.fails = 0;
      if (!h.healthy && h.passes >= s.rise) this.#restore(h);
    } else {
      h.fails++;
      h.passes = 0;
      if (h.healthy && h.fails >= s.fall) this.#eject(h, "probe");
    }
    const spread = 1 + s.jitter * (2 * this.#context.random() - 1);
    this.#schedule(h, s.intervalMs * spread);
  }

  #eject(h: Health, reason: "probe" | "breaker_open"): void {
    h.healthy = false;
    h.passes = 0;
    const c = this.#context;
    // A breaker that opens announces `endpoint_ejected` itself (client.ts); probes announce their own.
    if (reason === "probe" && c.wants("endpoint_ejected")) c.emit("endpoint_ejected", { endpoint: h.endpoint.origin, reason, balancer: this.name });
  }

  #restore(h: Health): void {
    h.healthy = true;
    h.fails = 0;
    const c = this.#context;
    if (c.wants("endpoint_restored")) c.emit("endpoint_restored", { endpoint: h.endpoint.origin, reason: "probe", balancer: this.name });
  }
}
