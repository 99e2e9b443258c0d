// createServiceClient: resolves where the service lives, builds the middleware chain once, and turns each generated
// method call into one Call through it. Chain (first = outermost, see chain.ts):
//   deadline → retry → circuit breaker (service) → endpoint pick (+ per-endpoint breakers) → attempt timeout → undici
import { Agent } from "undici";
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
import { FailoverPicker, createPicker } from "./picker.js";
import { buildRequest, isIdempotentMethod } from "./request.js";
import { decodeBody, headerRecord, toHttpError } from "./response.js";
import { retryLayer } from "./retry.js";
import { attemptTimeoutLayer } from "./attempt-timeout.js";
import { undiciTransport } from "./transport.js";
import type { Call, Handler } from "./chain.js";
import type { Clock } from "./clock.js";
import type { BreakerState } from "./breaker.js";
import type { DecodeKind } from "./response.js";
import type {
  CallOptions,
  ClientDescription,
  ClientOptions,
  OperationDefinition,
  RequestParams,
  ResponseInfo,
  ServiceClient,
  ServiceDefinition,
} from "./types.js";

/** Seams for tests and embedders: the same chain on a virtual clock, a scripted transport, fixed jitter draws. */
export interface RuntimeHooks {
  readonly clock?: Clock;
  /** Replaces the undici transport (the innermost handler). */
  readonly transport?: Handler;
  /** Jitter draws in [0, 1); defaults to Math.random. */
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
  const picker = createPicker(policy.loadBalancer, base.endpoints);

  const clientHeaders: Record<string, string> = {};
  if (options.headers !== undefined) for (const name of Object.keys(options.headers)) clientHeaders[name.toLowerCase()] = options.headers[name]!;

  const ownAgent =
    hooks.transport === undefined && options.dispatcher === undefined
      ? new Agent({ connect: { timeout: policy.connectTimeoutMs }, headersTimeout: 0, bodyTimeout: 0 })
      : undefined;
  const transport = hooks.transport ?? undiciTransport(options.dispatcher ?? ownAgent!);

  const breakerEvent = (endpoint: string | undefined) => (from: BreakerState, to: BreakerState) => {
    if (events.wants("breaker")) events.emit("breaker", { type: "breaker", service: def.name, scope: endpoint === undefined ? "service" : "endpoint", endpoint, from, to });
    if (endpoint !== undefined && to === "open" && events.wants("endpoint_ejected")) {
      events.emit("endpoint_ejected", { type: "endpoint_ejected", service: def.name, endpoint, reason: "breaker_open" });
    }
  };
  const serviceBreaker = createBreaker(policy.circuitBreaker, breakerEvent(undefined));
  const endpointBreakers = picker.endpoints.map((e) => createBreaker(policy.circuitBreaker, breakerEvent(e.origin)));
  const budget = policy.retry.maxAttempts > 1 ? new RetryBudget(policy.retry.budgetRatio) : undefined;

  const handler = compose(
    [
      deadlineLayer(clock),
      retryLayer({ settings: policy.retry, failoverRules: picker.rotates, clock, random: hooks.random ?? Math.random, budget, events }),
      circuitLayer(clock, serviceBreaker),
      pickLayer(clock, endpointBreakers),
      attemptTimeoutLayer(clock, policy.attemptTimeoutMs),
    ],
    transport,
  );

  let closed = false;

  async function invoke(
    op: OperationDefinition,
    params: RequestParams | undefined,
    callOptions: CallOptions | undefined,
    decode: DecodeKind,
    basePath: string,
  ): Promise<unknown> {
    const context = { service: def.name, operation: op.id };
    if (closed) throw new RequestError("the client is closed", context);
    const request = buildRequest(def.name, op, params, basePath, clientHeaders, callOptions);
    const call: Call = {
      service: def.name,
      op,
      request,
      retryable: request.replayable && (op.idempotent || isIdempotentMethod(request.method) || callOptions?.idempotencyKey !== undefined),
      acceptStatus: callOptions?.acceptStatus,
      timeoutMs: callOptions?.timeoutMs ?? policy.timeoutMs,
      callerSignal: callOptions?.signal,
      onEvent: callOptions?.onEvent,
      deadlineAt: Infinity,
      signal: undefined,
      route: picker.route(),
      attempts: [],
    };
    const res = await handler({ call, signal: undefined, attempt: 0, endpoint: undefined });
    const status = res.status;
    const endpoint = call.attempts[call.attempts.length - 1]?.endpoint ?? "";
    const ok = status >= 200 && status < 300;
    if (!ok && !(callOptions?.acceptStatus?.includes(status) ?? false)) {
      throw finishError(toHttpError(res, { ...context, endpoint }), call.attempts);
    }
    let value: unknown;
    try {
      // An accepted non-2xx answer is decoded like an error body.
      value = decodeBody(ok ? (request.method === "HEAD" ? "empty" : decode) : "auto", res, { ...context, endpoint });
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

  const probe = (id: string, path: string): OperationDefinition => ({ id, method: "GET", path, idempotent: true, params: [], response: "json" });
  const healthOp = probe("health", def.healthPath);
  const readyOp = probe("ready", def.readyPath);

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
      const endpoints = picker.endpoints.map((e) => e.origin);
      const description: ClientDescription = { service: def.name, baseUrl: base.baseUrl, source: base.source, policy, endpoints };
      if (picker.kind !== "failover") return description;
      return { ...description, preferred: endpoints[picker instanceof FailoverPicker ? picker.preferred : 0]! };
    },
    // Idempotent: a second close() waits for nothing.
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await ownAgent?.close();
    },
  };
}
