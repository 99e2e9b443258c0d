// The endpoint-picking seam. A picker owns the client-wide state (sticky preference, round-robin counter); each call
// gets a Route, its own cursor over the endpoints. Discovery (a later issue) swaps `endpoints` by building a new
// picker; balancers are one picker each.
import type { Endpoint } from "./endpoints.js";
import type { LoadBalancerKind } from "./types.js";

export interface Route {
  readonly size: number;
  /** Where the next attempt goes. */
  current(): Endpoint;
  /** Moves to the next endpoint (a failover rotation, or skipping an ejected endpoint). */
  advance(): void;
  /** `endpoint` gave an answer that is not a rotation status: failover starts later calls there. */
  answered(endpoint: Endpoint): void;
}

export interface EndpointPicker {
  readonly kind: LoadBalancerKind | "single";
  readonly endpoints: readonly Endpoint[];
  /** True when rotation outcomes move to the next endpoint and pauses come after full cycles (failover rules). */
  readonly rotates: boolean;
  route(): Route;
}

class SingleRoute implements Route {
  readonly size = 1;
  readonly #endpoint: Endpoint;
  constructor(endpoint: Endpoint) {
    this.#endpoint = endpoint;
  }
  current(): Endpoint {
    return this.#endpoint;
  }
  advance(): void {}
  answered(): void {}
}

/** One endpoint: one shared route, no per-call allocation. */
export function singlePicker(endpoint: Endpoint, kind: LoadBalancerKind | "single" = "single"): EndpointPicker {
  const route = new SingleRoute(endpoint);
  return { kind, endpoints: [endpoint], rotates: kind === "failover", route: () => route };
}

class FailoverRoute implements Route {
  readonly size: number;
  #index: number;
  readonly #picker: FailoverPicker;
  constructor(picker: FailoverPicker) {
    this.#picker = picker;
    this.size = picker.endpoints.length;
    this.#index = picker.preferred;
  }
  current(): Endpoint {
    return this.#picker.endpoints[this.#index]!;
  }
  advance(): void {
    this.#index = (this.#index + 1) % this.size;
  }
  answered(endpoint: Endpoint): void {
    this.#picker.preferred = endpoint.index;
  }
}

/** Failover: every call starts at the sticky preferred endpoint and rotates through the set in order. */
export class FailoverPicker implements EndpointPicker {
  readonly kind = "failover";
  readonly rotates = true;
  readonly endpoints: readonly Endpoint[];
  /** Index of the endpoint the next call starts at. */
  preferred = 0;
  constructor(endpoints: readonly Endpoint[]) {
    this.endpoints = endpoints;
  }
  route(): Route {
    return new FailoverRoute(this);
  }
}

class RoundRobinRoute implements Route {
  readonly size: number;
  #index: number;
  readonly #endpoints: readonly Endpoint[];
  constructor(endpoints: readonly Endpoint[], start: number) {
    this.#endpoints = endpoints;
    this.size = endpoints.length;
    this.#index = start;
  }
  current(): Endpoint {
    return this.#endpoints[this.#index]!;
  }
  advance(): void {
    this.#index = (this.#index + 1) % this.size;
  }
  answered(): void {}
}

/** Round robin over the set: each call starts one further along; a retry moves to the next endpoint. */
export class RoundRobinPicker implements EndpointPicker {
  readonly kind: LoadBalancerKind;
  readonly rotates = false;
  readonly endpoints: readonly Endpoint[];
  #next = 0;
  constructor(endpoints: readonly Endpoint[], kind: LoadBalancerKind = "round_robin") {
    this.endpoints = endpoints;
    this.kind = kind;
  }
  route(): Route {
    const start = this.#next;
    this.#next = (start + 1) % this.endpoints.length;
    return new RoundRobinRoute(this.endpoints, start);
  }
}

/**
 * The picker for a balancer kind. Until the balancer issue lands, kinds other than failover share round robin over
 * static endpoints; a single endpoint needs no balancing at all.
 */
export function createPicker(kind: LoadBalancerKind, endpoints: readonly Endpoint[]): EndpointPicker {
  if (endpoints.length === 1) return singlePicker(endpoints[0]!, kind);
  if (kind === "failover") return new FailoverPicker(endpoints);
  return new RoundRobinPicker(endpoints, kind);
}
