// createServiceClient: resolves where the service lives, starts discovery, builds the balancer and the middleware chain
// once, and turns each generated method call into one Call through it. Chain (first = outermost, see chain.ts):
//   [telemetry: the call's span] → deadline → circuit breaker (service, one verdict per call) → retry → credentials (auth/layer.ts, when the service
//   has security schemes) → endpoint pick (balancer + per-endpoint breakers) → [telemetry: the attempt's span and
//   duration] → attempt timeout → user middleware
//   (ClientOptions.middleware, when given)
//   → redirects (followRedirects, redirects.ts) → undici (one Pool per endpoint origin)
import { resolveBase } from "./base-url.js";
import { createBreaker } from "./breaker.js";
import { RetryBudget } from "./budget.js";
import { compose, runCall } from "./chain.js";
import { circuitLayer } from "./circuit.js";
import { finishError } from "./classify.js";
import { realClock } from "./clock.js";
import { deadlineLayer } from "./deadline.js";
import { RequestError } from "./errors.js";
import { EventSink } from "./events.js";
import { pickLayer } from "./pick.js";
import { CallRoute } from "./route.js";
import { buildRequest } from "./request.js";
import { RAW_OPERATION, buildRawRequest, rawOperation } from "./raw-request.js";
import { DEFAULT_MAX_RESPONSE_BYTES, ERROR_BODY_LIMIT, decodeBody, headerRecord, toHttpError } from "./response.js";
import { retryLayer } from "./retry.js";
import { attemptTimeoutLayer } from "./attempt-timeout.js";
import { httpMiddlewareLayer } from "./http-middleware.js";
import { httpProtocol } from "./http-protocol.js";
import { followingRedirects } from "./redirects.js";
import { ClientAuth } from "./auth/credentials.js";
import { authLayer, httpWire } from "./auth/layer.js";
import { explainUnauthorized } from "./auth/explain.js";
import { scrubError } from "./auth/redact.js";
import { OPERATION } from "./operation.js";
import type { OperationTag } from "./operation.js";
import { undiciTransport } from "./transport.js";
import { ClientEndpoints } from "./discovery/client-endpoints.js";
import { DEFAULT_MAX_CONNECTION_AGE_MS, EndpointPools } from "./pools.js";
import { OperationServers } from "./servers.js";
import type { FixedEndpoint } from "./servers.js";
import { clientTls } from "./tls.js";
import { ClientCounters, clientStats, settleCall } from "./stats.js";
import type { StatsSource } from "./stats.js";
import { clientTelemetry } from "./telemetry/client-telemetry.js";
import { attemptLayer, callLayer, quietTransport } from "./telemetry/layer.js";
import { HTTP_DURATION, httpSemantics } from "./telemetry/http.js";
import type { Call, Exchange, Handler, WireRequest } from "./chain.js";
import type { Clock } from "./clock.js";
import type { Endpoint } from "./endpoints.js";
import type { DecodeKind, TransportResponse } from "./response.js";
import type {
  CallOptions,
  ClientDescription,
  ClientOptions,
  ClientStats,
  OperationDefinition,
  RawRequest,
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

export function createServiceClientWith(def: ServiceDefinition, options: ClientOptions = {}, hooks: RuntimeHooks = {}): ServiceClient {
  const env = options.env ?? process.env;
  const base = resolveBase(def, options.baseUrl, env);
  const policy = def.policy;
  const clock = hooks.clock ?? realClock;
  const events = new EventSink(def.name, options.onEvent);
  const auth = new ClientAuth(def, options.auth, env, clock);

  const clientHeaders: Record<string, string> = {};
  // A fresh x-request-id per call (the same on each of its attempts) unless turned off.
  const requestIds = options.requestId !== false;
  // Requests to pod addresses carry the service's own authority, as they would through the Service name.
  if (base.authority !== undefined) clientHeaders["host"] = base.authority;
  if (options.headers !== undefined) for (const name of Object.keys(options.headers)) clientHeaders[name.toLowerCase()] = options.headers[name]!;

  const clientMaxBytes = options.maxResponseBytes ?? policy.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const maxConnectionAgeMs = options.maxConnectionAgeMs ?? def.discovery.maxConnectionAgeMs ?? DEFAULT_MAX_CONNECTION_AGE_MS;
  // mTLS applies to the client's own pools; a caller's dispatcher brings its own TLS settings.
  const ownsPools = hooks.transport === undefined && options.dispatcher === undefined;
  const tls = ownsPools ? clientTls(def.tls, options.tls, clock) : undefined;
  const pools = ownsPools ? new EndpointPools({ connectTimeoutMs: policy.connectTimeoutMs, maxConnectionAgeMs, clock, tls }) : undefined;
  const transport = hooks.transport ?? undiciTransport(options.dispatcher ?? ((origin: string) => pools!.get(origin)));

  // ---- balancer, endpoints and discovery
  const healthCheck = options.healthCheck ?? policy.healthCheck;
  const probePath = healthCheck?.path === "health" ? def.healthPath : def.readyPath;
  const probeOp: OperationDefinition = { id: "probe", method: "GET", path: probePath, idempotent: true, params: [], response: "empty" };
  const probeHeaders: Record<string, string> = base.authority !== undefined ? { host: base.authority } : {};
  const endpoints = new ClientEndpoints({
    def,
    base,
    options,
    clock,
    events,
    check: (endpoint, signal) => probe(endpoint, signal),
    retire: (origin) => pools?.retire(origin),
    auth,
  });
  const { set, balancer, discovery } = endpoints;
  // Operations with their own server (servers.ts). The service's Host override is not sent to another origin.
  const servers = new OperationServers({ def, base, overrides: options.servers, breakerListener: (origin) => endpoints.breakerListener(origin) });
  const { host: _serviceHost, ...serverHeaders } = clientHeaders;
  // An explicit flag on the balancer (Balancer.failover), so a balancer that wraps failover keeps its rules.
  const failoverRules = balancer.failover === true;

  const serviceBreaker = createBreaker(policy.circuitBreaker, endpoints.breakerListener(undefined));
  const budget = policy.retry.maxAttempts > 1 ? new RetryBudget(policy.retry.budgetRatio) : undefined;

  const counters = new ClientCounters();
  const statsSource: StatsSource = { service: def.name, protocol: "http", counters, breaker: serviceBreaker, set, pool: pools === undefined ? undefined : (origin) => pools.stats(origin) };
  const telemetry = clientTelemetry(options.telemetry, { clock, duration: HTTP_DURATION, stats: statsSource });
  const semantics = telemetry === undefined ? undefined : httpSemantics(auth.keyNames("query"));

  const protocol = httpProtocol(policy.retry, failoverRules);
  const middleware = options.middleware ?? [];
  const handler = compose<Call, TransportResponse>(
    [
      ...(telemetry !== undefined ? [callLayer(telemetry, semantics!)] : []),
      deadlineLayer(clock),
      circuitLayer(clock, serviceBreaker, () => set.endpoints.length > 1),
      retryLayer({ settings: policy.retry, failoverRules, clock, random: hooks.random ?? Math.random, budget, events, counters }),
      ...(auth.active ? [authLayer({ auth, wire: httpWire, clock, events })] : []),
      pickLayer({ clock, set, balancer, onStale: discovery === undefined ? undefined : () => discovery.refreshSoon() }),
      ...(telemetry !== undefined ? [attemptLayer(telemetry, semantics!)] : []),
      // The timer's cheap cancel reaches only the built-in transport's attempt in flight; middleware may still be
      // working before it (fetching a credential), so with middleware the attempt gets a real AbortSignal.
      attemptTimeoutLayer(clock, policy.attemptTimeoutMs, hooks.transport === undefined && middleware.length === 0 ? "cheap" : "signal", policy.retry),
      ...(middleware.length > 0 ? [httpMiddlewareLayer(middleware)] : []),
    ],
    quietTransport(telemetry, followingRedirects(transport, { headers: auth.keyNames("header"), query: auth.keyNames("query") })),
  );

  let closed = false;

  /** One GET of the probe path straight through the transport: no retries, breakers or balancer. */
  async function probe(endpoint: Endpoint, signal: AbortSignal): Promise<boolean> {
    if (closed) return false;
    const call: Call = {
      service: def.name,
      op: probeOp,
      protocol,
      request: { method: "GET", path: probePath, headers: probeHeaders, body: undefined, replayable: true },
      retryable: false,
      replayable: true,
      acceptStatus: undefined,
      maxResponseBytes: ERROR_BODY_LIMIT,
      stream: false,
      timeoutMs: Infinity,
      callerSignal: signal,
      onEvent: undefined,
      route: new CallRoute(probeOp.id, probeHeaders, set),
      attempts: [],
      trace: undefined,
    };
    const exchange: Exchange = { call, signal, deadlineAt: Infinity, attempt: 1, moveOn: false, endpoint, limitMs: Infinity, limitedByAttempt: false, headers: undefined, cancel: undefined };
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
    headers: Record<string, string> = clientHeaders,
    fixed?: FixedEndpoint,
    template?: string,
  ): Promise<unknown> {
    if (closed) throw new RequestError("the client is closed", { service: def.name, operation: op.id });
    return send(op, buildRequest(def.name, op, params, basePath, headers, callOptions, requestIds, template), callOptions, decode, fixed);
  }

  type Sender = (params: RequestParams | undefined, callOptions?: CallOptions) => Promise<unknown>;
  const senders = new WeakMap<OperationDefinition, Sender>();
  /**
   * The one place that decides where an operation goes, once per operation and client: the service's base path, or
   * its own server's prefix (and, when absolute, that origin without the service's Host). `call` and `operation` both
   * use it.
   */
  function senderOf(op: OperationDefinition): Sender {
    let sender = senders.get(op);
    if (sender !== undefined) return sender;
    if (op.server === undefined) {
      const template = base.basePath + op.path;
      sender = (params, callOptions) => invoke(op, params, callOptions, op.response, base.basePath, clientHeaders, undefined, template);
    } else {
      const { basePath, fixed } = servers.target(op.server);
      const headers = fixed === undefined ? clientHeaders : serverHeaders;
      const template = basePath + op.path;
      sender = (params, callOptions) => invoke(op, params, callOptions, op.response, basePath, headers, fixed, template);
    }
    // Tagged so isHttpError(error, method) knows which operation of which service it is.
    const tag: OperationTag = { service: def.name, id: op.id, errors: op.errors ?? [] };
    Object.defineProperty(sender, OPERATION, { value: tag });
    senders.set(op, sender);
    return sender;
  }

  /** request(): the operation is made from the method; the body decodes by its Content-Type. */
  async function raw(params: RawRequest, callOptions: CallOptions | undefined): Promise<unknown> {
    if (closed) throw new RequestError("the client is closed", { service: def.name, operation: RAW_OPERATION });
    const request = buildRawRequest(def.name, params, base.basePath, clientHeaders, callOptions, requestIds);
    return send(rawOperation(request.method, params.path), request, callOptions, "content");
  }

  async function send(op: OperationDefinition, request: WireRequest, callOptions: CallOptions | undefined, decode: DecodeKind, fixed?: FixedEndpoint): Promise<unknown> {
    if (callOptions?.auth !== undefined) auth.check(callOptions.auth);
    const stream = callOptions?.responseType === "stream";
    const call: Call = {
      service: def.name,
      op,
      protocol,
      request,
      replayable: request.replayable,
      // The generator decided op.idempotent (method, x-idempotent, services.toml); the runtime trusts it.
      retryable: request.replayable && (op.idempotent || callOptions?.idempotencyKey !== undefined),
      acceptStatus: callOptions?.acceptStatus,
      maxResponseBytes: callOptions?.maxResponseBytes ?? op.maxResponseBytes ?? clientMaxBytes,
      stream,
      followRedirects: callOptions?.followRedirects ?? options.followRedirects,
      timeoutMs: callOptions?.timeoutMs ?? op.timeoutMs ?? policy.timeoutMs,
      callerSignal: callOptions?.signal,
      onEvent: callOptions?.onEvent,
      route: new CallRoute(op.id, request.headers, set, fixed),
      attempts: [],
      auth: callOptions?.auth,
      trace: undefined,
    };
    counters.calls++;
    let res: TransportResponse;
    try {
      res = await runCall(handler, call);
    } catch (error) {
      settleCall(counters, call, error);
      throw scrubError(error, auth.secrets);
    }
    const status = res.status;
    const endpoint = call.attempts[call.attempts.length - 1]?.endpoint ?? "";
    const ok = status >= 200 && status < 300;
    const accepted = ok || (callOptions?.acceptStatus?.includes(status) ?? false);
    settleCall(counters, call, accepted ? undefined : res);
    if (!accepted) {
      const error = toHttpError(res, { service: def.name, operation: op.id, endpoint });
      if (status === 401 && auth.active) explainUnauthorized(error, auth.requirements(op), auth.select(op, callOptions?.auth).parts.map((p) => p.cell.scheme));
      throw finishError(scrubError(error, auth.secrets), call.attempts);
    }
    if (ok && res.stream !== undefined) {
      callOptions?.onResponse?.({ status, endpoint, headers: headerRecord(res.rawHeaders), attempts: call.attempts });
      return res.stream;
    }
    let value: unknown;
    try {
      // An accepted non-2xx answer is decoded like an error body. (The context is only read on a decode error.)
      value = decodeBody(ok ? (request.method === "HEAD" ? "empty" : decode) : "auto", res, { service: def.name, operation: op.id, endpoint });
    } catch (error) {
      throw finishError(scrubError(error, auth.secrets), call.attempts);
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

  return {
    call<T>(op: OperationDefinition, params: RequestParams | undefined, callOptions?: CallOptions): Promise<T> {
      return senderOf(op)(params, callOptions) as Promise<T>;
    },
    operation<M>(op: OperationDefinition): M {
      return senderOf(op) as unknown as M;
    },
    // Probes live at the origin root (acton-service mounts /health and /ready there), not under the base path.
    request<T = unknown>(params: RawRequest, callOptions?: CallOptions): Promise<T> {
      return raw(params, callOptions) as Promise<T>;
    },
    health(callOptions?: CallOptions): Promise<unknown> {
      return invoke(healthOp, undefined, callOptions, "auto", "");
    },
    ready(callOptions?: CallOptions): Promise<unknown> {
      return invoke(readyOp, undefined, callOptions, "auto", "");
    },
    describe(): ClientDescription {
      const described = servers.describe();
      return described === undefined ? endpoints.describe() : { ...endpoints.describe(), servers: described };
    },
    stats(): ClientStats {
      return clientStats(statsSource);
    },
    // Idempotent: a second close() waits for nothing.
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      telemetry?.close();
      try {
        endpoints.close();
      } finally {
        await pools?.close();
      }
    },
  };
}
