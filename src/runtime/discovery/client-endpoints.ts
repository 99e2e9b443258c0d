// What the HTTP and the gRPC client share once they know where the service lives: the balancer (built-in or the
// user's), the endpoint set with one breaker per endpoint, headless DNS discovery when asked for, breaker events,
// and the discovery part of describe(). Each client brings its own transport (retire, probe).
import type { ResolvedBase } from "../base-url.js";
import type { BreakerState } from "../breaker.js";
import type { Clock } from "../clock.js";
import type { Endpoint } from "../endpoints.js";
import type { EventSink, EventType } from "../events.js";
import type { Balancer, BalancerContext, ClientDescription, ClientOptions, DiscoveryDescription, ServiceDefinition } from "../types.js";
import { createBalancer } from "../balancers/create.js";
import { DEFAULT_REFRESH_MS, HeadlessDiscovery } from "./headless.js";
import { EndpointSet } from "./set.js";
import type { ClientAuth } from "../auth/credentials.js";

export interface ClientEndpointsOptions {
  readonly def: ServiceDefinition;
  readonly base: ResolvedBase;
  readonly options: Pick<ClientOptions, "balancer" | "dnsServers" | "healthCheck">;
  readonly clock: Clock;
  readonly events: EventSink;
  /** One active health probe straight to `endpoint` (the health_aware balancer's). */
  readonly check: (endpoint: Endpoint, signal: AbortSignal) => Promise<boolean>;
  /** An endpoint left the set: close what the client holds for it. */
  readonly retire: (origin: string) => void;
  /** The client's credentials, for describe() (scheme names and source kinds only). */
  readonly auth?: ClientAuth | undefined;
}

function origins(endpoints: readonly Endpoint[]): string[] {
  return endpoints.map((e) => e.origin);
}

export class ClientEndpoints {
  readonly set: EndpointSet;
  readonly balancer: Balancer;
  readonly discovery: HeadlessDiscovery | undefined;
  readonly #def: ServiceDefinition;
  readonly #base: ResolvedBase;
  readonly #dnsServers: readonly string[];
  readonly #refreshMs: number;
  readonly #service: string;
  readonly #events: EventSink;
  readonly #auth: ClientAuth | undefined;

  constructor(o: ClientEndpointsOptions) {
    const { def, base, options, clock, events } = o;
    const policy = def.policy;
    this.#def = def;
    this.#base = base;
    this.#service = def.name;
    this.#events = events;
    this.#auth = o.auth;

    const context: BalancerContext = {
      service: def.name,
      clock,
      random: Math.random,
      wants: (type: EventType) => events.wants(type),
      emit: (type: EventType, fields: Readonly<Record<string, unknown>>) => events.emit(type, { ...fields, type, service: def.name }),
      check: o.check,
    };
    const custom = options.balancer;
    const healthCheck = options.healthCheck ?? policy.healthCheck;
    this.balancer =
      custom === undefined
        ? createBalancer(policy.loadBalancer, context, { hashHeader: policy.hashHeader, healthCheck })
        : typeof custom === "function"
          ? custom(context)
          : custom;

    const balancer = this.balancer;
    this.set = new EndpointSet({
      clock,
      breakers: policy.circuitBreaker,
      breakerListener: (origin) => this.breakerListener(origin),
      onChange: (endpoints, change) => {
        balancer.onEndpoints?.(endpoints, change);
        for (const e of change.removed) o.retire(e.origin);
        // A static set is filled once, at creation: only discovery's sets are news.
        if (base.headless !== undefined && events.wants("endpoints_changed")) {
          events.emit("endpoints_changed", { type: "endpoints_changed", service: def.name, endpoints: origins(endpoints), added: origins(change.added), removed: origins(change.removed) });
        }
      },
    });
    this.#dnsServers = options.dnsServers ?? def.discovery.dnsServers ?? [];
    this.#refreshMs = def.discovery.refreshMs !== undefined && def.discovery.refreshMs > 0 ? def.discovery.refreshMs : DEFAULT_REFRESH_MS;
    this.discovery =
      base.headless === undefined
        ? undefined
        : new HeadlessDiscovery({
            service: def.name,
            target: base.headless,
            servers: this.#dnsServers,
            refreshMs: this.#refreshMs,
            queryTimeoutMs: Math.min(5_000, Math.max(250, policy.connectTimeoutMs)),
            clock,
            set: this.set,
            events,
          });
    if (this.discovery === undefined) this.set.replace(base.endpoints, { reason: "no_records", detail: "no endpoint is configured" });
    else this.discovery.start();
  }

  /** Breaker transitions as `breaker` events (and `endpoint_ejected` when an endpoint's opens). `undefined` = the service's. */
  breakerListener(endpoint: string | undefined): (from: BreakerState, to: BreakerState) => void {
    const events = this.#events;
    const service = this.#service;
    return (from, to) => {
      if (events.wants("breaker")) events.emit("breaker", { type: "breaker", service, scope: endpoint === undefined ? "service" : "endpoint", endpoint, from, to });
      if (endpoint !== undefined && to === "open" && events.wants("endpoint_ejected")) {
        events.emit("endpoint_ejected", { type: "endpoint_ejected", service, endpoint, reason: "breaker_open" });
      }
    };
  }

  describeDiscovery(): DiscoveryDescription {
    const headless = this.#base.headless;
    return {
      kind: this.#base.kind,
      dnsName: headless?.dnsName,
      srvName: headless?.srvName,
      dnsServers: headless !== undefined ? [...this.#dnsServers] : [],
      refreshMs: headless !== undefined ? this.#refreshMs : undefined,
      lastError: this.discovery?.lastError,
    };
  }

  /** What `describe()` tells on either client: where the service was found and why, the endpoints and balancer. */
  describe(): ClientDescription {
    const base = this.#base;
    const description: ClientDescription = {
      service: this.#service,
      baseUrl: base.baseUrl,
      source: base.source,
      reason: base.reason,
      policy: this.#def.policy,
      endpoints: origins(this.set.endpoints),
      balancer: this.balancer.name,
      discovery: this.describeDiscovery(),
      ...(this.#auth?.described === true ? { auth: this.#auth.describe() } : {}),
    };
    // The failover balancer's sticky preference: where the next call starts.
    const preferred = this.balancer.preferred?.(this.set.endpoints)?.origin;
    return preferred === undefined ? description : { ...description, preferred };
  }

  /** Stops discovery, fails calls still waiting for endpoints, and closes the balancer. */
  close(): void {
    this.discovery?.close();
    this.set.failed({ reason: "dns_error", detail: "the client is closed" });
    this.balancer.close?.();
  }
}
