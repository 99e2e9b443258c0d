// Circuit breaker state machine: closed → open (when the failure strategy trips) → half-open after openMs → closed on
// a probe's success, open again on a probe's failure. What counts as a failure is decided elsewhere (classify.ts);
// when to trip is a small strategy (breaker-consecutive.ts, breaker-rate.ts), as in cockatiel.
import { ConsecutiveFailures } from "./breaker-consecutive.js";
import { FailureRate } from "./breaker-rate.js";
import type { CircuitBreakerSettings } from "./types.js";

export type BreakerState = "closed" | "open" | "half_open";

/** Decides when a closed breaker trips. */
export interface TripStrategy {
  success(now: number): void;
  /** Records a failure; true when the breaker should open. */
  failure(now: number): boolean;
  reset(): void;
}

export type BreakerListener = (from: BreakerState, to: BreakerState) => void;

/** Asked before a closed breaker opens; false keeps it closed (the ejection cap, discovery/set.ts). */
export type OpenGate = () => boolean;

export class CircuitBreaker {
  #state: BreakerState = "closed";
  #openedAt = 0;
  #probes = 0;
  readonly #strategy: TripStrategy;
  readonly #openMs: number;
  readonly #halfOpenRequests: number;
  readonly #listener: BreakerListener | undefined;
  readonly #gate: OpenGate | undefined;
  /** Successes heard so far. Read when a request starts, it tells timedOut() whether anything succeeded meanwhile. */
  successes = 0;

  constructor(strategy: TripStrategy, openMs: number, halfOpenRequests: number, listener?: BreakerListener, gate?: OpenGate) {
    this.#strategy = strategy;
    this.#openMs = openMs;
    this.#halfOpenRequests = Math.max(1, halfOpenRequests);
    this.#listener = listener;
    this.#gate = gate;
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** May a request go out now? In half-open this takes one of the limited probe slots. */
  tryAcquire(now: number): boolean {
    if (this.#state === "closed") return true;
    if (this.#state === "open") {
      if (now - this.#openedAt < this.#openMs) return false;
      this.#move("half_open");
      this.#probes = 0;
    }
    if (this.#probes >= this.#halfOpenRequests) return false;
    this.#probes++;
    return true;
  }

  /** Would a request be let through now (without taking a probe slot)? */
  isAvailable(now: number): boolean {
    if (this.#state === "closed") return true;
    if (this.#state === "open") return now - this.#openedAt >= this.#openMs;
    return this.#probes < this.#halfOpenRequests;
  }

  success(now: number): void {
    this.successes++;
    if (this.#state === "half_open") {
      this.#strategy.reset();
      this.#move("closed");
      return;
    }
    if (this.#state === "closed") this.#strategy.success(now);
  }

  failure(now: number): void {
    if (this.#state === "half_open") {
      this.#open(now);
      return;
    }
    if (this.#state === "closed" && this.#strategy.failure(now)) {
      // Over the cap: stay in rotation and count afresh, so the endpoint needs a whole new run of failures.
      if (this.#gate !== undefined && !this.#gate()) this.#strategy.reset();
      else this.#open(now);
    }
  }

  /**
   * A request that started when `successes` read `since` timed out. It is a failure only if nothing succeeded
   * meanwhile: a stall on something that keeps answering is a slow request, not a dead endpoint or service, and a
   * burst of stalls timing out back to back must not read as "N failures in a row".
   */
  timedOut(now: number, since: number): void {
    if (this.successes > since) this.release();
    else this.failure(now);
  }

  /** A request that took a slot ended without a verdict (the caller aborted). */
  release(): void {
    if (this.#state === "half_open" && this.#probes > 0) this.#probes--;
  }

  #open(now: number): void {
    this.#openedAt = now;
    this.#strategy.reset();
    this.#move("open");
  }

  #move(to: BreakerState): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.#listener?.(from, to);
  }
}

/** A breaker for the settings, or undefined when disabled. */
export function createBreaker(settings: CircuitBreakerSettings, listener?: BreakerListener, gate?: OpenGate): CircuitBreaker | undefined {
  if (!settings.enabled) return undefined;
  const strategy =
    settings.mode === "consecutive"
      ? new ConsecutiveFailures(settings.failureThreshold)
      : new FailureRate(settings.failureRate, settings.minRequests, settings.windowMs);
  return new CircuitBreaker(strategy, settings.openMs, settings.halfOpenRequests, listener, gate);
}

/** Default share of a service's endpoints whose breakers may be open at once (CircuitBreakerSettings.maxEjectionPercent). */
export { DEFAULT_MAX_EJECTION_PERCENT } from "./vocabulary.js";

/** How many of `endpoints` may be ejected at once: the percentage, rounded down, but always at least one (Envoy's rule). */
export function maxEjected(endpoints: number, percent: number): number {
  return Math.max(1, Math.floor((endpoints * percent) / 100));
}
