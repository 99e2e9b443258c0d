// createServiceClient: resolves where the service lives, starts discovery, builds the balancer and the middleware chain
// once, and turns each generated method call into one Call through it. Chain (first = outermost, see chain.ts):
//   deadline → retry → circuit breaker (service) → endpoint pick (balancer + per-endpoint breakers) → attempt timeout
//   → undici (one Pool per endpoint origin)
import { resolveBase } from "./base-url.js";
import { createBreaker } from "./breaker.js";
import { RetryBudget } from "./budget.js";
import { compose } from "./chain.js";
import { circuitLayer } from "./circuit.js";
import { finishError } from "./classify.js";
import { realClock } from "./clock.js";
import { deadlineLayer } from "./deadline.js";
import { RequestError } from "./errors.js";
import { EventSink } from "./events.js";
import { pickLayer } from "./pick.js";
import { CallRoute } from "./route.js";
import { buildRequest, isIdempotentMethod } from "./request.js";
import { decodeBody, headerRecord, toHttpError } from "./response.js";
import { retryLayer } from "./retry.js";
import { attemptTimeoutLayer } from "./attempt-timeout.js";
import { undiciTransport } from "./transport.js";
import { createBalancer } from "./balancers/create.js";
import { FailoverBalancer } from "./balancers/failover.js";
import { DEFAULT_REFRESH_MS, HeadlessDiscovery } from "./discovery/headless.js";
import { EndpointSet } from "./discovery/set.js";
import { DEFAULT_MAX_CONNECTION_AGE_MS, EndpointPools } from "./pools.js";
import type { Call, Exchange, Handler } from "./chain.js";
import type { Clock } from "./clock.js";
import type { BreakerState } from "./breaker.js";
import type { Endpoint } from "./endpoints.js";
import type { EventType } from "./events.js";
import type { DecodeKind } from "./response.js";
import type {
  Balancer,
  BalancerContext,
  CallOptions,
  ClientDescription,
  ClientOptions,
  DiscoveryDescription,
  OperationDefinition,
  RequestParams,
  ResponseInfo,
  ServiceClient,
  ServiceDefinition,
} from "./types.js";

/** Seams for tests and embedders: the same chain on a virtual clock, a scripted transport, fixed jitter draws. */
export interface RuntimeHooks {
  readonly clock?: Clock;
  /** Replaces the undici transport (the innermost handler); also carries health probes. */
  readonly transport?: Handler;
  /** Retry jitter draws in [0, 1); defaults to Math.random. (Balancers draw from Math.random.) */
  readonly random?: () => number;
}

export function createServiceClient(def: ServiceDefinition, options?: ClientOptions): ServiceClient {
  return createServiceClientWith(def, options, {});
}

function origins(endpoints: readonly Endpoint[]): string[] {
  return endpoints.map((e) => e.origin);
}

export function createServiceClientWith(def: ServiceDefinition, options: ClientOptions = {}, hooks: RuntimeHooks = {}): ServiceClient {
  const env = options.env ?? process.env;
  const base = resolveBase(def, options.baseUrl, env);
  const policy = def.policy;
  const clock = hooks.clock ?? realClock;
  const events = new EventSink(def.name, options.onEvent);

  const clientHeaders: Record<string, string> = {};
  // Requests to pod addresses carry the service's own authority, as they would through the Service name.
  if (base.authority !== undefined) clientHeaders["host"] = base.authority;
  if (options.headers !== undefined) for (const name of Object.keys(options.headers)) clientHeaders[name.toLowerCase()] = options.headers[name]!;

  const maxConnectionAgeMs = options.maxConnectionAgeMs ?? def.discovery.maxConnectionAgeMs ?? DEFAULT_MAX_CONNECTION_AGE_MS;
  const pools = hooks.transport === undefined && options.dispatcher === undefined ? new EndpointPools({ connectTimeoutMs: policy.connectTimeoutMs, maxConnectionAgeMs }) : undefined;
  const transport = hooks.transport ?? undiciTransport(options.dispatcher ?? ((origin: string) => pools!.get(origin)));

  // ---- balancer
  const healthCheck = options.healthCheck ?? policy.healthCheck;
  const probePath = healthCheck?.path === "health" ? def.healthPath : def.readyPath;
  const probeOp: OperationDefinition = { id: "probe", method: "GET", path: probePath, idempotent: true, params: [], response: "empty" };
  const probeHeaders: Record<string, string> = base.authority !== undefined ? { host: base.authority } : {};
  const context: BalancerContext = {
    service: def.name,
    clock,
    random: Math.random,
    wants: (type: EventType) => events.wants(type),
    emit: (type: EventType, fields: Readonly<Record<string, unknown>>) => events.emit(type, { ...fields, type, service: def.name }),
    check: (endpoint, signal) => probe(endpoint, signal),
  };
  const custom = options.balancer;
  const balancer: Balancer =
    custom === undefined
      ? createBalancer(policy.loadBalancer, context, { hashHeader: policy.hashHeader, healthCheck })
      : typeof custom === "function"
        ? custom(context)
        : custom;
  const failoverRules = balancer instanceof FailoverBalancer;

  // ---- endpoints and discovery
  const breakerEvent = (endpoint: string | undefined) => (from: BreakerState, to: BreakerState) => {
    if (events.wants("breaker")) events.emit("breaker", { type: "breaker", service: def.name, scope: endpoint === undefined ? "service" : "endpoint", endpoint, from, to });
    if (endpoint !== undefined && to === "open" && events.wants("endpoint_ejected")) {
      events.emit("endpoint_ejected", { type: "endpoint_ejected", service: def.name, endpoint, reason: "breaker_open" });
    }
  };
  const set = new EndpointSet({
    clock,
    breakers: policy.circuitBreaker,
    breakerListener: (origin) => breakerEvent(origin),
    onChange: (endpoints, change) => {
      balancer.onEndpoints?.(endpoints, change);
      for (const e of change.removed) pools?.retire(e.origin);
      // A static set is filled once, at creation: only discovery's sets are news.
      if (base.headless !== undefined && events.wants("endpoints_changed")) {
        events.emit("endpoints_changed", { type: "endpoints_changed", service: def.name, endpoints: origins(endpoints), added: origins(change.added), removed: origins(change.removed) });
      }
    },
  });
  const dnsServers = options.dnsServers ?? def.discovery.dnsServers;
  const refreshMs = def.discovery.refreshMs !== undefined && def.discovery.refreshMs > 0 ? def.discovery.refreshMs : DEFAULT_REFRESH_MS;
  const discovery =
    base.headless === undefined
      ? undefined
      : new HeadlessDiscovery({
          service: def.name,
          target: base.headless,
          servers: dnsServers,
          refreshMs,
          queryTimeoutMs: Math.min(5_000, Math.max(250, policy.connectTimeoutMs)),
          clock,
          set,
          events,
        });
  if (discovery === undefined) set.replace(base.endpoints, { reason: "no_records", detail: "no endpoint is configured" });
  else discovery.start();

  const serviceBreaker = createBreaker(policy.circuitBreaker, breakerEvent(undefined));
  const budget = policy.retry.maxAttempts > 1 ? new RetryBudget(policy.retry.budgetRatio) : undefined;

  const handler = compose(
    [
      deadlineLayer(clock),
      retryLayer({ settings: policy.retry, failoverRules, clock, random: hooks.random ?? Math.random, budget, events }),
      circuitLayer(clock, serviceBreaker, () => set.endpoints.length > 1),
      pickLayer({ clock, set, balancer, settings: policy.retry, failoverRules, onStale: discovery === undefined ? undefined : () => discovery.refreshSoon() }),
      attemptTimeoutLayer(clock, policy.attemptTimeoutMs, hooks.transport === undefined),
    ],
    transport,
  );

  let closed = false;

  /** One GET of the probe path straight through the transport: no retries, breakers or balancer. */
  async function probe(endpoint: Endpoint, signal: AbortSignal): Promise<boolean> {
    if (closed) return false;
    const call: Call = {
      service: def.name,
      op: probeOp,
      request: { method: "GET", path: probePath, headers: probeHeaders, body: undefined, replayable: true },
      retryable: false,
      acceptStatus: undefined,
      timeoutMs: Infinity,
      callerSignal: signal,
      onEvent: undefined,
      deadlineAt: Infinity,
      signal,
      route: new CallRoute(probeOp.id, probeHeaders, set),
      attempts: [],
    };
    const exchange: Exchange = { call, signal, attempt: 1, endpoint, cancel: undefined };
    try {
      const res = await transport(exchange);
      return res.status >= 200 && res.status < 300;
    } catch {
      return false;
    }
  }

  async function invoke(
    op: OperationDefinition,
    params: RequestParams | undefined,
    callOptions: CallOptions | undefined,
    decode: DecodeKind,
    basePath: string,
  ): Promise<unknown> {
    if (closed) throw new RequestError("the client is closed", { service: def.name, operation: op.id });
    const request = buildRequest(def.name, op, params, basePath, clientHeaders, callOptions);
    const call: Call = {
      service: def.name,
      op,
      request,
      retryable: request.replayable && (op.idempotent || isIdempotentMethod(request.method) || callOptions?.idempotencyKey !== undefined),
      acceptStatus: callOptions?.acceptStatus,
      timeoutMs: callOptions?.timeoutMs ?? op.timeoutMs ?? policy.timeoutMs,
      callerSignal: callOptions?.signal,
      onEvent: callOptions?.onEvent,
      deadlineAt: Infinity,
      signal: undefined,
      route: new CallRoute(op.id, request.headers, set),
      attempts: [],
    };
    const res = await handler({ call, signal: undefined, attempt: 0, endpoint: undefined, cancel: undefined });
    const status = res.status;
    const endpoint = call.attempts[call.attempts.length - 1]?.endpoint ?? "";
    const ok = status >= 200 && status < 300;
    if (!ok && !(callOptions?.acceptStatus?.includes(status) ?? false)) {
      throw finishError(toHttpError(res, { service: def.name, operation: op.id, endpoint }), call.attempts);
    }
    let value: unknown;
    try {
      // An accepted non-2xx answer is decoded like an error body. (The context is only read on a decode error.)
      value = decodeBody(ok ? (request.method === "HEAD" ? "empty" : decode) : "auto", res, { service: def.name, operation: op.id, endpoint });
    } catch (error) {
      throw finishError(error, call.attempts);
    }
    const onResponse = callOptions?.onResponse;
    if (onResponse !== undefined) {
      const info: ResponseInfo = { status, endpoint, headers: headerRecord(res.rawHeaders), attempts: call.attempts };
      onResponse(info);
    }
    return value;
  }

  const probeOpOf = (id: string, path: string): OperationDefinition => ({ id, method: "GET", path, idempotent: true, params: [], response: "json" });
  const healthOp = probeOpOf("health", def.healthPath);
  const readyOp = probeOpOf("ready", def.readyPath);

  function discoveryDescription(): DiscoveryDescription {
    const headless = base.headless;
    return {
      kind: base.kind,
      dnsName: headless?.dnsName,
      srvName: headless?.srvName,
      dnsServers: headless !== undefined ? [...dnsServers] : [],
      refreshMs: headless !== undefined ? refreshMs : undefined,
      lastError: discovery?.lastError,
    };
  }

  return {
    call<T>(op: OperationDefinition, params: RequestParams | undefined, callOptions?: CallOptions): Promise<T> {
      return invoke(op, params, callOptions, op.response, base.basePath) as Promise<T>;
    },
    // Probes live at the origin root (acton-service mounts /health and /ready there), not under the base path.
    health(callOptions?: CallOptions): Promise<unknown> {
      return invoke(healthOp, undefined, callOptions, "auto", "");
    },
    ready(callOptions?: CallOptions): Promise<unknown> {
      return invoke(readyOp, undefined, callOptions, "auto", "");
    },
    describe(): ClientDescription {
      const endpoints = set.endpoints;
      const description: ClientDescription = {
        service: def.name,
        baseUrl: base.baseUrl,
        source: base.source,
        reason: base.reason,
        policy,
        endpoints: origins(endpoints),
        balancer: balancer.name,
        discovery: discoveryDescription(),
      };
      if (!(balancer instanceof FailoverBalancer)) return description;
      const preferred = balancer.preferred(endpoints);
      return preferred === undefined ? description : { ...description, preferred: preferred.origin };
    },
    // Idempotent: a second close() waits for nothing.
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      discovery?.close();
      set.failed({ reason: "dns_error", detail: "the client is closed" });
      try {
        balancer.close?.();
      } finally {
        await pools?.close();
      }
    },
  };
}
