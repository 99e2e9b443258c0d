// createGrpcServiceClient: where the service's gRPC port lives (discovery, as for HTTP), one HTTP/2 connection per
// endpoint, the balancer, breakers and retry budget, and the chain (the HTTP client's layers) every call runs through.
// Where calls go, first match wins:
//   1. GrpcClientOptions.baseUrl                            source `option`
//   2. env <KEY>_GRPC_URL (`AUTH_SERVICE_GRPC_URL`)         source `env:AUTH_SERVICE_GRPC_URL`
//   3. env <HOST>_SERVICE_HOST + <HOST>_SERVICE_PORT_GRPC   (the Service's named gRPC port; discovery = "dns")
//   4. discovery: static endpoints (their hosts, the grpc_port), headless pods (SRV `_grpc._tcp.<headless>`), or the
//      configured host with grpc_port
// The HTTP override `<KEY>_URL` and the unnamed `<HOST>_SERVICE_PORT` (the Service's first, HTTP, port) never apply.
import type {
  DescMessage,
  DescMethodBiDiStreaming,
  DescMethodClientStreaming,
  DescMethodServerStreaming,
  DescMethodStreaming,
  DescMethodUnary,
  MessageInitShape,
  MessageShape,
} from "@bufbuild/protobuf";
import { envKey, resolveBase } from "../base-url.js";
import { createBreaker } from "../breaker.js";
import { RetryBudget } from "../budget.js";
import { nextMacrotask, realClock } from "../clock.js";
import { compose, runCall } from "../chain.js";
import { deadlineLayer } from "../deadline.js";
import { circuitLayer } from "../circuit.js";
import { retryLayer } from "../retry.js";
import { pickLayer } from "../pick.js";
import { attemptTimeoutLayer } from "../attempt-timeout.js";
import { CallRoute } from "../route.js";
import { AbortError, RequestError } from "../errors.js";
import { StreamAnswer, connectStreamTransport, connectUnaryTransport, streamError } from "./connect-transport.js";
import type { GrpcStreamCall, GrpcUnaryCall, UnaryAnswer } from "./connect-transport.js";
import { grpcProtocol } from "./protocol.js";
import { finishError } from "../classify.js";
import type { Layer } from "../chain.js";
import type { Settlement } from "../protocol.js";
import { metadataRecord } from "./errors.js";
import { EventSink } from "../events.js";
import { DEFAULT_MAX_RESPONSE_BYTES } from "../response.js";
import type { Clock } from "../clock.js";
import type { Endpoint } from "../endpoints.js";
import type { ClientOptions, ClientStats } from "../types.js";
import { ClientCounters, clientStats, settleCall } from "../stats.js";
import type { StatsSource } from "../stats.js";
import { clientTelemetry } from "../telemetry/client-telemetry.js";
import { attemptLayer, callLayer, quietTransport } from "../telemetry/layer.js";
import { GRPC_DURATION, grpcSemantics } from "./telemetry.js";
import { ClientEndpoints } from "../discovery/client-endpoints.js";
import { statusCode } from "./codes.js";
import { MethodPolicies } from "./methods.js";
import { MiddlewareRejection, grpcMiddlewareLayer } from "./middleware.js";
import { GrpcError, isGrpcError } from "./errors.js";
import { ClientAuth } from "../auth/credentials.js";
import { authLayer, metadataWire } from "../auth/layer.js";
import { scrubError } from "../auth/redact.js";
import { explainRefusal } from "../auth/explain.js";
import type { AuthOptions } from "../auth/types.js";
import { healthCheck, healthStatusName } from "./health.js";
import { TrackedInput, once } from "./input.js";
import { DEFAULT_MAX_CONNECTION_AGE_MS, EndpointTransports } from "./transports.js";
import { clientTls } from "../tls.js";
import type { GrpcCallOptions, GrpcClientDescription, GrpcClientOptions, GrpcHealthStatus, GrpcServiceDefinition } from "./types.js";

/** What generated gRPC clients are built on: one method per call shape. */
export interface GrpcServiceClient {
  unary<I extends DescMessage, O extends DescMessage>(method: DescMethodUnary<I, O>, request: MessageInitShape<I>, options?: GrpcCallOptions): Promise<MessageShape<O>>;
  /** The call starts when iteration starts; retried until the first response message arrives. */
  serverStream<I extends DescMessage, O extends DescMessage>(
    method: DescMethodServerStreaming<I, O>,
    request: MessageInitShape<I>,
    options?: GrpcCallOptions,
  ): AsyncIterable<MessageShape<O>>;
  clientStream<I extends DescMessage, O extends DescMessage>(
    method: DescMethodClientStreaming<I, O>,
    requests: AsyncIterable<MessageInitShape<I>>,
    options?: GrpcCallOptions,
  ): Promise<MessageShape<O>>;
  bidiStream<I extends DescMessage, O extends DescMessage>(
    method: DescMethodBiDiStreaming<I, O>,
    requests: AsyncIterable<MessageInitShape<I>>,
    options?: GrpcCallOptions,
  ): AsyncIterable<MessageShape<O>>;
  /** grpc.health.v1.Health/Check for `service` ("" asks about the whole server), through the same policies. */
  health(service?: string, options?: GrpcCallOptions): Promise<GrpcHealthStatus>;
  describe(): GrpcClientDescription;
  /** Calls, retries, breaker states per endpoint, as plain data (no pool numbers: connect-es holds the connections). */
  stats(): ClientStats;
  /** Closes every connection and timer the client owns; calls in flight fail. */
  close(): Promise<void>;
}

/** Seams for tests and embedders. */
export interface GrpcRuntimeHooks {
  readonly clock?: Clock;
  /** Retry jitter draws in [0, 1). */
  readonly random?: () => number;
}

/**
 * The gRPC client options of a combined client: the HTTP options' environment, headers (as metadata), event hook,
 * DNS servers, connection age cap, mTLS settings and middleware, then `options.grpc` on top. The HTTP baseUrl, balancer and dispatcher do not carry over.
 */
export function inheritGrpcOptions(options: (ClientOptions & { grpc?: GrpcClientOptions }) | undefined): GrpcClientOptions {
  if (options === undefined) return {};
  const out: GrpcClientOptions = {};
  if (options.env !== undefined) out.env = options.env;
  if (options.headers !== undefined) out.headers = options.headers;
  if (options.onEvent !== undefined) out.onEvent = options.onEvent;
  if (options.dnsServers !== undefined) out.dnsServers = options.dnsServers;
  if (options.maxConnectionAgeMs !== undefined) out.maxConnectionAgeMs = options.maxConnectionAgeMs;
  if (options.maxResponseBytes !== undefined) out.maxResponseBytes = options.maxResponseBytes;
  if (options.tls !== undefined) out.tls = options.tls;
  // Middleware speaks both protocols: the same list runs around the combined client's gRPC attempts.
  if (options.middleware !== undefined) out.middleware = options.middleware;
  if (options.telemetry !== undefined) out.telemetry = options.telemetry;
  const own = options.grpc;
  if (own === undefined) return out;
  return { ...out, ...own, ...(own.headers !== undefined && out.headers !== undefined ? { headers: { ...out.headers, ...own.headers } } : {}) };
}

export function createGrpcServiceClient(def: GrpcServiceDefinition, options: GrpcClientOptions = {}, hooks: GrpcRuntimeHooks = {}): GrpcServiceClient {
  const env = options.env ?? process.env;
  const key = envKey(def.name);
  const overrideVar = `${key}_GRPC_URL`;
  const fromEnv = env[overrideVar];
  const override = options.baseUrl ?? (fromEnv !== undefined && fromEnv !== "" ? fromEnv : undefined);
  // The HTTP override and the Service's unnamed (first, HTTP) port must not redirect gRPC calls.
  const view: Record<string, string | undefined> = { ...env };
  delete view[`${key}_URL`];
  if (def.discovery.portName !== undefined) delete view[`${envKey(def.host)}_SERVICE_PORT`];
  let base = resolveBase(def, override, view);
  if (options.baseUrl === undefined && override !== undefined) {
    base = { ...base, source: `env:${overrideVar}`, reason: `${overrideVar} is set (the gRPC override for ${def.name})` };
  }

  const policy = def.policy;
  const clock = hooks.clock ?? realClock;
  const events = new EventSink(def.name, options.onEvent);
  // gRPC takes the implied schemes `bearer` / `basic` (as metadata), whatever the HTTP spec's schemes are called.
  const auth = new ClientAuth(def, options.auth, env, clock, "implied");
  const headers: Record<string, string> = {};
  if (options.headers !== undefined) for (const name of Object.keys(options.headers)) headers[name.toLowerCase()] = options.headers[name]!;
  const transports = new EndpointTransports({
    maxConnectionAgeMs: options.maxConnectionAgeMs ?? def.discovery.maxConnectionAgeMs ?? DEFAULT_MAX_CONNECTION_AGE_MS,
    basePath: base.basePath,
    connectTimeoutMs: policy.connectTimeoutMs,
    nodeOptions: options.nodeOptions,
    tls: clientTls(def.tls, options.tls, clock),
    interceptors: options.interceptors,
    authority: base.authority,
    // The same bound as an HTTP body (max_response_bytes): one message can be no larger.
    readMaxBytes: options.maxResponseBytes ?? policy.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    clock,
  });
  const transportFor = (origin: string) => transports.get(origin);
  let closed = false;

  const endpoints = new ClientEndpoints({
    def,
    base,
    options,
    clock,
    events,
    check: (endpoint, signal) => probe(endpoint, signal),
    retire: (origin) => transports.retire(origin),
    auth,
  });
  const { set, balancer, discovery } = endpoints;

  const onStale = discovery === undefined ? undefined : () => discovery.refreshSoon();
  const serviceBreaker = createBreaker(policy.circuitBreaker, endpoints.breakerListener(undefined));
  const budget = policy.retry.maxAttempts > 1 ? new RetryBudget(policy.retry.budgetRatio) : undefined;
  const retryOn = new Set(def.grpcRetryOn.map(statusCode));
  const random = hooks.random ?? Math.random;
  const isClosed = (): boolean => closed;
  const middleware = options.middleware !== undefined && options.middleware.length > 0 ? options.middleware : undefined;
  const unauthenticated = (error: unknown): boolean => isGrpcError(error) && error.statusCode === 16;

  // Every call runs through the HTTP client's chain (../chain.ts), the same layers in the same order, over the
  // connect-es adapters (connect-transport.ts, middleware.ts) and the gRPC Protocol (protocol.ts). gRPC has no
  // fail-over statuses: every re-send asks the balancer, and pauses unless the server's pushback or an untried
  // endpoint says otherwise. Unary attempts are bounded by attempt_timeout_ms and the deadline, sent as grpc-timeout;
  // streams by the deadline alone (a stream may be meant to run long), and commit at their first message.
  const protocolOptions = { retry: policy.retry, retryOn, isClosed };
  const counters = new ClientCounters();
  const statsSource: StatsSource = { service: def.name, protocol: "grpc", counters, breaker: serviceBreaker, set };
  const telemetry = clientTelemetry(options.telemetry, { clock, duration: GRPC_DURATION, stats: statsSource });
  const layers = <C extends GrpcUnaryCall | GrpcStreamCall, R>(attemptTimeoutMs: number | undefined): Layer<C, R>[] => {
    const semantics = telemetry === undefined ? undefined : grpcSemantics<C, R>();
    return [
      ...(telemetry !== undefined ? [callLayer(telemetry, semantics!)] : []),
      deadlineLayer(clock),
      circuitLayer(clock, serviceBreaker, () => set.endpoints.length > 1),
      retryLayer({ settings: policy.retry, failoverRules: false, clock, random, budget, events, counters }),
      // Credentials as metadata; UNAUTHENTICATED plays the 401's part (auth/layer.ts).
      ...(auth.active ? [authLayer<C, R>({ auth, wire: metadataWire<C, R>(unauthenticated), clock, events })] : []),
      pickLayer({ clock, set, balancer, onStale }),
      ...(telemetry !== undefined ? [attemptLayer(telemetry, semantics!)] : []),
      attemptTimeoutLayer(clock, attemptTimeoutMs, "wire"),
    ];
  };
  const unaryProtocol = grpcProtocol<UnaryAnswer>(protocolOptions);
  const unaryChain = compose<GrpcUnaryCall, UnaryAnswer>(
    [...layers<GrpcUnaryCall, UnaryAnswer>(policy.attemptTimeoutMs), ...(middleware !== undefined ? [grpcMiddlewareLayer<GrpcUnaryCall, UnaryAnswer>(middleware, isClosed)] : [])],
    quietTransport(telemetry, connectUnaryTransport(transportFor, isClosed)),
  );
  const streamProtocol = grpcProtocol<StreamAnswer>(protocolOptions, (res) => res.settled);
  const streamChain = compose<GrpcStreamCall, StreamAnswer>(
    [
      ...layers<GrpcStreamCall, StreamAnswer>(undefined),
      ...(middleware !== undefined ? [grpcMiddlewareLayer<GrpcStreamCall, StreamAnswer>(middleware, isClosed, discardStream)] : []),
    ],
    quietTransport(telemetry, connectStreamTransport(transportFor, isClosed)),
  );
  const methods = new MethodPolicies(def.methods ?? [], policy.timeoutMs);

  /** The call's metadata: the client's object itself when the call adds none (connect-es copies it). */
  function metadataOf(callOptions: GrpcCallOptions | undefined): Record<string, string> {
    const own = callOptions?.headers;
    if (own === undefined) return headers;
    const merged: Record<string, string> = Object.assign({}, headers); // not a spread: see request.ts
    for (const name of Object.keys(own)) merged[name.toLowerCase()] = own[name]!;
    return merged;
  }

  async function unary<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    input: MessageInitShape<I>,
    callOptions: GrpcCallOptions | undefined,
  ): Promise<MessageShape<O>> {
    const methodPolicy = methods.of(method);
    if (closed) {
      await nextMacrotask();
      throw new RequestError("the client is closed", { service: def.name, operation: methodPolicy.operation });
    }
    if (callOptions?.auth !== undefined) auth.check(callOptions.auth);
    const callHeaders = metadataOf(callOptions);
    const call: GrpcUnaryCall = {
      service: def.name,
      op: methodPolicy.op,
      protocol: unaryProtocol,
      retryable: methodPolicy.idempotent,
      replayable: true,
      timeoutMs: callOptions?.timeoutMs ?? methodPolicy.timeoutMs,
      callerSignal: callOptions?.signal,
      onEvent: callOptions?.onEvent,
      route: new CallRoute(methodPolicy.operation, callHeaders, set),
      attempts: [],
      method: method as unknown as GrpcUnaryCall["method"],
      input: input as GrpcUnaryCall["input"],
      headers: callHeaders,
      auth: callOptions?.auth,
      trace: undefined,
    };
    counters.calls++;
    let res: UnaryAnswer;
    try {
      res = await runCall(unaryChain, call);
    } catch (error) {
      settleCall(counters, call, error);
      throw unwrapped(error, callOptions?.auth);
    }
    settleCall(counters, call, undefined);
    const onResponse = callOptions?.onResponse;
    if (onResponse !== undefined) {
      const attempts = call.attempts;
      onResponse({ endpoint: attempts[attempts.length - 1]?.endpoint ?? "", headers: metadataRecord(res.header), trailers: metadataRecord(res.trailer), attempts });
    }
    return res.message as MessageShape<O>;
  }

  /**
   * What user middleware threw ends the call as it is; runtime errors carry no credential, and UNAUTHENTICATED says
   * which schemes the service accepts and which were sent.
   */
  function unwrapped(error: unknown, callAuth: AuthOptions | undefined): unknown {
    if (error instanceof MiddlewareRejection) return error.error;
    if (unauthenticated(error) && auth.active) explainRefusal(error as Error, auth.requirements({}), auth.select({}, callAuth).parts.map((p) => p.cell.scheme));
    return scrubError(error, auth.secrets);
  }

  /** A stream the middleware turned into a failure: cancel it; nobody will hear how it ended. */
  function discardStream(answer: StreamAnswer): void {
    answer.cancel(new AbortError({ service: def.name }));
    answer.finish("abandoned");
  }

  /**
   * Server streaming (one request) and bidi/client streaming (a request stream): the response messages. The chain
   * resolves at commit; the rest is read here, and how it ended settles the attempt (StreamAnswer.finish). A request
   * stream of which something was read is not sent again (`tracker`).
   */
  async function* stream<I extends DescMessage, O extends DescMessage>(
    method: DescMethodStreaming<I, O>,
    input: AsyncIterable<MessageInitShape<I>>,
    callOptions: GrpcCallOptions | undefined,
    tracker: { readonly started: boolean } | undefined,
  ): AsyncGenerator<MessageShape<O>, void, undefined> {
    const methodPolicy = methods.of(method);
    if (closed) {
      await nextMacrotask();
      throw new RequestError("the client is closed", { service: def.name, operation: methodPolicy.operation });
    }
    if (callOptions?.auth !== undefined) auth.check(callOptions.auth);
    const callHeaders = metadataOf(callOptions);
    const call: GrpcStreamCall = {
      service: def.name,
      op: methodPolicy.op,
      protocol: streamProtocol,
      retryable: methodPolicy.idempotent,
      get replayable() {
        return tracker === undefined || !tracker.started;
      },
      timeoutMs: callOptions?.timeoutMs ?? methodPolicy.timeoutMs,
      callerSignal: callOptions?.signal,
      onEvent: callOptions?.onEvent,
      route: new CallRoute(methodPolicy.operation, callHeaders, set),
      attempts: [],
      method: method as unknown as GrpcStreamCall["method"],
      input: input as GrpcStreamCall["input"],
      headers: callHeaders,
      auth: callOptions?.auth,
      trace: undefined,
    };
    counters.calls++;
    let answer: StreamAnswer;
    try {
      answer = await runCall(streamChain, call);
    } catch (error) {
      settleCall(counters, call, error);
      throw unwrapped(error, callOptions?.auth);
    }
    settleCall(counters, call, undefined);
    // Committed: no more attempts. Until the end, the consumer may stop (abandoned: no verdict for anyone).
    let settlement: Settlement = "abandoned";
    try {
      if (!answer.first.done) {
        yield answer.first.value as MessageShape<O>;
        for (;;) {
          const next = await answer.rest.next();
          if (next.done) break;
          yield next.value as MessageShape<O>;
        }
      }
      settlement = "ok";
    } catch (error) {
      const endpoint = call.attempts[call.attempts.length - 1]?.endpoint ?? "";
      const failed = streamError(call, error, endpoint, closed);
      settlement = { error: failed };
      throw unwrapped(finishError(failed, call.attempts), callOptions?.auth);
    } finally {
      if (settlement === "abandoned") answer.cancel(new AbortError({ service: def.name, operation: methodPolicy.operation }));
      answer.finish(settlement);
    }
    const onResponse = callOptions?.onResponse;
    if (onResponse !== undefined) {
      const attempts = call.attempts;
      onResponse({ endpoint: attempts[attempts.length - 1]?.endpoint ?? "", headers: metadataRecord(answer.header), trailers: metadataRecord(answer.trailer), attempts });
    }
  }

  /** One Check straight to `endpoint`: no retries, breakers or balancer (the health_aware balancer's probe). */
  async function probe(endpoint: Endpoint, signal: AbortSignal): Promise<boolean> {
    if (closed) return false;
    try {
      const res = await transportFor(endpoint.origin).unary(healthCheck, signal, undefined, headers, { service: "" });
      return res.message.status === 1;
    } catch {
      return false;
    }
  }

  return {
    unary: (method, request, callOptions) => unary(method, request, callOptions),
    serverStream: (method, request, callOptions) => ({
      [Symbol.asyncIterator]: () => stream(method, once(request), callOptions, undefined),
    }),
    async clientStream(method, requests, callOptions) {
      const input = new TrackedInput(requests);
      let response: MessageShape<typeof method.output> | undefined;
      for await (const message of stream(method, input, callOptions, input)) response = message;
      if (response === undefined) {
        throw new GrpcError(13, "the server ended the call without a response message", {}, [], { service: def.name, operation: `${method.parent.typeName}/${method.name}` });
      }
      return response;
    },
    bidiStream: (method, requests, callOptions) => ({
      [Symbol.asyncIterator]: () => {
        const input = new TrackedInput(requests);
        return stream(method, input, callOptions, input);
      },
    }),
    async health(service = "", callOptions) {
      const res = await unary(healthCheck, { service }, callOptions);
      return healthStatusName(res.status);
    },
    describe(): GrpcClientDescription {
      return { ...endpoints.describe(), retryOn: def.grpcRetryOn };
    },
    stats: () => clientStats(statsSource),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      telemetry?.close();
      try {
        endpoints.close();
      } finally {
        transports.close();
      }
    },
  };
}
