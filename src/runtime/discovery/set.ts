// The client's live endpoint set: what discovery last found, one circuit breaker per endpoint, and the one listener
// (the client) that tells the balancer, retires connections to removed endpoints and publishes `endpoints_changed`.
// Static and single-origin clients fill it once; headless discovery replaces it whenever DNS answers differently.
import { DEFAULT_MAX_EJECTION_PERCENT, createBreaker, maxEjected } from "../breaker.js";
import { NoEndpointsError } from "../errors.js";
import type { BreakerListener, CircuitBreaker } from "../breaker.js";
import type { Clock } from "../clock.js";
import type { Endpoint } from "../endpoints.js";
import type { ErrorContext, NoEndpointsReason } from "../errors.js";
import type { CircuitBreakerSettings, EndpointChange } from "../types.js";

/** Why the set is empty, kept so every call can fail fast with the same clear error. */
export interface SetProblem {
  readonly reason: NoEndpointsReason;
  readonly detail: string;
  readonly dnsName?: string | undefined;
  readonly dnsCode?: string | undefined;
}

export interface EndpointSetOptions {
  readonly clock: Clock;
  readonly breakers: CircuitBreakerSettings;
  /** Listener for the breaker of endpoint `origin`. */
  readonly breakerListener: (origin: string) => BreakerListener;
  readonly onChange: (endpoints: readonly Endpoint[], change: EndpointChange) => void;
}

export class EndpointSet {
  /** The current endpoints, in discovery order. Replaced, never mutated, so a caller may hold on to one. */
  endpoints: readonly Endpoint[] = [];
  /** False until discovery has answered (or failed) once. */
  ready = false;
  /** Why `endpoints` is empty, when it is. */
  problem: SetProblem | undefined;
  #byOrigin = new Map<string, Endpoint>();
  readonly #breakers = new Map<string, CircuitBreaker>();
  readonly #options: EndpointSetOptions;
  #markReady: () => void = () => {};
  readonly #whenReady: Promise<void>;

  constructor(options: EndpointSetOptions) {
    this.#options = options;
    this.#whenReady = new Promise<void>((resolve) => (this.#markReady = resolve));
  }

  /**
   * The ejection cap (Envoy's max_ejection_percent): a breaker may open only while fewer than
   * maxEjected(set size, percent) endpoints have a breaker that is not closed. A fault that hits every pod alike then
   * cannot take them all out of rotation; the rest keep serving and their own failures are retried elsewhere.
   */
  readonly #mayEject = (): boolean => {
    const settings = this.#options.breakers;
    const percent = settings.enabled ? (settings.maxEjectionPercent ?? DEFAULT_MAX_EJECTION_PERCENT) : 100;
    let ejected = 0;
    for (const breaker of this.#breakers.values()) if (breaker.state !== "closed") ejected++;
    return ejected < maxEjected(this.endpoints.length, percent);
  };

  lookup(origin: string): Endpoint | undefined {
    return this.#byOrigin.get(origin);
  }

  /** Would a request to `origin` be let through now (its breaker, if any, is not open)? */
  available(origin: string): boolean {
    const breaker = this.#breakers.get(origin);
    return breaker === undefined || breaker.isAvailable(this.#options.clock.now());
  }

  /** The endpoint's breaker; undefined when breakers are off (or the endpoint left the set). */
  breaker(origin: string): CircuitBreaker | undefined {
    return this.#breakers.get(origin);
  }

  /** Discovery answered: `next` is the whole set (each origin once). An empty set keeps `problemIfEmpty`. */
  replace(next: readonly Endpoint[], problemIfEmpty: SetProblem): void {
    const byOrigin = new Map<string, Endpoint>();
    for (const e of next) byOrigin.set(e.origin, e);
    const added: Endpoint[] = [];
    const removed: Endpoint[] = [];
    for (const e of next) if (!this.#byOrigin.has(e.origin)) added.push(e);
    for (const e of this.endpoints) if (!byOrigin.has(e.origin)) removed.push(e);
    for (const e of removed) this.#breakers.delete(e.origin);
    for (const e of added) {
      const breaker = createBreaker(this.#options.breakers, this.#options.breakerListener(e.origin), this.#mayEject);
      if (breaker !== undefined) this.#breakers.set(e.origin, breaker);
    }
    const first = !this.ready;
    const reordered = !first && added.length === 0 && removed.length === 0 && next.some((e, i) => this.endpoints[i]?.origin !== e.origin);
    this.endpoints = next;
    this.#byOrigin = byOrigin;
    this.problem = next.length === 0 ? problemIfEmpty : undefined;
    this.ready = true;
    this.#markReady();
    if (first || added.length > 0 || removed.length > 0 || reordered) this.#options.onChange(next, { added, removed });
  }

  /** Discovery failed: the last good set stays. With none ever known, calls fail fast with `problem` until it answers. */
  failed(problem: SetProblem): void {
    if (this.ready) return;
    this.problem = problem;
    this.ready = true;
    this.#markReady();
  }

  /** Resolves once discovery has answered; rejects with the signal's reason if it fires first. Leaves no listener. */
  whenReady(signal: AbortSignal | undefined): Promise<void> {
    if (this.ready) return Promise.resolve();
    if (signal === undefined) return this.#whenReady;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      void this.#whenReady.then(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }

  /** The error a call gets while the set is empty. */
  error(context: ErrorContext): NoEndpointsError {
    const p = this.problem ?? { reason: "no_records" as const, detail: "the endpoint set is empty" };
    return new NoEndpointsError(p.reason, p.detail, context, p.dnsName, p.dnsCode);
  }
}
