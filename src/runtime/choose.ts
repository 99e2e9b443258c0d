// Where an attempt goes, for HTTP and gRPC alike (the pick layer, pick.ts):
//   - An empty set fails at once with the set's error (NoEndpointsError; nothing sent) and asks discovery to look again.
//   - A same-endpoint retry (`stay`: fail-over rules) stays where the previous attempt went, unless that endpoint left
//     the set or its breaker refuses; otherwise the balancer picks.
//   - An endpoint whose own breaker is open is refused: the call marks it tried, the balancer hears `skipped` and
//     picks again. A balancer that insists (the same refused endpoint, or the first one refused again) is not asked
//     further: the set is walked in order from the last refusal for an endpoint that admits the attempt.
//   - Every endpoint of several refusing cannot happen while the ejection cap holds (discovery/set.ts); if it does (a
//     custom balancer, half-open probe slots all taken), the attempt goes past the breakers — Envoy's panic routing:
//     breakers must not fail a call that some endpoint may still serve. With one endpoint: CircuitOpenError.
import { CircuitOpenError, NoEndpointsError } from "./errors.js";
import type { Balancer } from "./balancer.js";
import type { CircuitBreaker } from "./breaker.js";
import type { Clock } from "./clock.js";
import type { EndpointSet } from "./discovery/set.js";
import type { Endpoint } from "./endpoints.js";
import type { CallRoute } from "./route.js";

export class EndpointChooser {
  /** The breaker of the endpoint choose() returned last (undefined: none, or panic routing). Read right after it. */
  breaker: CircuitBreaker | undefined;
  readonly #clock: Clock;
  readonly #set: EndpointSet;
  readonly #balancer: Balancer;
  readonly #onResult: Balancer["onResult"];
  readonly #onStale: (() => void) | undefined;

  constructor(clock: Clock, set: EndpointSet, balancer: Balancer, onStale: (() => void) | undefined) {
    this.#clock = clock;
    this.#set = set;
    this.#balancer = balancer;
    this.#onResult = balancer.onResult?.bind(balancer);
    this.#onStale = onStale;
  }

  /** The endpoint for attempt `attempt` of the call behind `route`; marks it on the route. Throws when none may take it. */
  choose(route: CallRoute, attempt: number, stay: boolean, service: string, operation: string): Endpoint {
    const endpoint = this.#choose(route, attempt, stay, service, operation);
    route.mark(endpoint);
    return endpoint;
  }

  #chosen(endpoint: Endpoint, breaker: CircuitBreaker | undefined): Endpoint {
    this.breaker = breaker;
    return endpoint;
  }

  /** A closed breaker admits without reading the clock. (False implies a breaker.) */
  #admits(breaker: CircuitBreaker | undefined): boolean {
    return breaker === undefined || breaker.state === "closed" || breaker.tryAcquire(this.#clock.now());
  }

  #choose(route: CallRoute, attempt: number, stay: boolean, service: string, operation: string): Endpoint {
    const set = this.#set;
    const endpoints = set.endpoints;
    route.endpoints = endpoints;
    route.attempt = attempt;
    if (endpoints.length === 0) {
      this.#onStale?.();
      throw set.error({ service, operation });
    }
    const previous = route.previous;
    if (stay && previous !== undefined) {
      const same = set.lookup(previous.origin);
      if (same !== undefined) {
        const breaker = set.breaker(same.origin);
        if (this.#admits(breaker)) return this.#chosen(same, breaker);
      }
    }
    const balancer = this.#balancer;
    let refused: Endpoint | undefined;
    let refusedBefore: string | undefined; // the first refusal of this attempt
    for (let i = 0; i <= endpoints.length; i++) {
      const endpoint = balancer.pick(route);
      if (endpoint === undefined) break;
      if (refused !== undefined && (endpoint.origin === refused.origin || endpoint.origin === refusedBefore)) break; // it insists
      const breaker = set.breaker(endpoint.origin);
      if (this.#admits(breaker)) return this.#chosen(endpoint, breaker);
      refusedBefore ??= endpoint.origin;
      refused = endpoint;
      route.mark(endpoint);
      this.#onResult?.(endpoint, { kind: "skipped", status: 0, failed: false, rotate: false, latencyMs: 0, breaker: breaker?.state });
    }
    if (refused === undefined) throw new NoEndpointsError("balancer", `the ${balancer.name} balancer declined every endpoint`, { service, operation });
    const from = endpoints.findIndex((e) => e.origin === refused.origin);
    for (let k = 1; k < endpoints.length; k++) {
      const endpoint = endpoints[(from + k) % endpoints.length]!;
      const breaker = set.breaker(endpoint.origin);
      if (this.#admits(breaker)) return this.#chosen(endpoint, breaker);
    }
    // Panic: every endpoint of several refuses. Route past the breakers (none records this attempt) rather than fail.
    if (endpoints.length > 1) return this.#chosen(endpoints[(from + 1) % endpoints.length]!, undefined);
    throw new CircuitOpenError("endpoint", { service, operation, endpoint: refused.origin });
  }
}
