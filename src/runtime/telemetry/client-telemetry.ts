// One client's OpenTelemetry state: which tracer and meter it records to, the attempt-duration histogram and the
// observable instruments that read the client's stats (stats.ts).
//   - Global providers are looked up on use (cheap: a registry read), so an SDK registered after the client was
//     created is picked up, and nothing is recorded while none is: with no SDK the layers cost two identity checks
//     per call (tracer() and histogram() return undefined).
//   - Observable instruments are registered on the meter in use and removed from it on close() or when the global
//     provider changes: a closed client leaves no callback behind.
import { clientStats } from "../stats.js";
import type { StatsSource } from "../stats.js";
import type { Clock } from "../clock.js";
import type { TelemetryOptions } from "../types.js";
import { otelApi } from "./api.js";
import type { Attributes, OtelApi, OtelBatchCallback, OtelHistogram, OtelMeter, OtelObservableResult, OtelTracer } from "./api.js";
import { ConfigError } from "../errors.js";
import { bareHost } from "../endpoints.js";

/** Instrumentation scope of every span and metric. */
export const SCOPE = "svcgen";

/** The attempt-duration histogram of a protocol's semantic conventions. */
export interface DurationInstrument {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  /** Multiplies a duration in ms into the instrument's unit. */
  readonly perMs: number;
  readonly buckets?: number[];
}

export interface ClientTelemetryOptions {
  readonly options: true | TelemetryOptions;
  readonly clock: Clock;
  readonly duration: DurationInstrument;
  /** What the observable instruments read. */
  readonly stats: StatsSource;
}

const STATES = ["closed", "open", "half_open"] as const;

/** The client's telemetry, or undefined when it is off or @opentelemetry/api is not installed. */
export function clientTelemetry(setting: boolean | TelemetryOptions | undefined, o: Omit<ClientTelemetryOptions, "options">): ClientTelemetry | undefined {
  if (setting === false) return undefined;
  const api = otelApi();
  const explicit = typeof setting === "object" && (setting.tracerProvider !== undefined || setting.meterProvider !== undefined);
  if (api === undefined) {
    if (explicit) throw new ConfigError("telemetry: providers were given, but @opentelemetry/api cannot be loaded from this project (npm install @opentelemetry/api)", undefined, { service: o.stats.service });
    return undefined;
  }
  return new ClientTelemetry(api, { ...o, options: setting === undefined || setting === true ? true : setting });
}

export class ClientTelemetry {
  readonly api: OtelApi;
  readonly clock: Clock;
  /** Multiplies a duration in ms into the duration histogram's unit. */
  readonly durationPerMs: number;
  /** The context key @opentelemetry/core's suppressTracing sets (a Symbol.for key, the same in every copy). */
  readonly suppressKey: symbol;
  readonly #o: ClientTelemetryOptions;
  readonly #noopTracerProvider: object;
  readonly #noopMeter: object;
  readonly #explicitTracer: OtelTracer | undefined;
  #tracerProvider: object | undefined;
  #tracer: OtelTracer | undefined;
  #meterProvider: object | undefined;
  #meter: OtelMeter | undefined;
  #histogram: OtelHistogram | undefined;
  #observables: object[] = [];
  #observe: OtelBatchCallback | undefined;
  #closed = false;

  constructor(api: OtelApi, o: ClientTelemetryOptions) {
    this.api = api;
    this.clock = o.clock;
    this.durationPerMs = o.duration.perMs;
    this.#o = o;
    this.suppressKey = api.createContextKey("OpenTelemetry SDK Context Key SUPPRESS_TRACING");
    this.#noopTracerProvider = new api.ProxyTracerProvider().getDelegate();
    this.#noopMeter = api.createNoopMeter();
    const given = o.options === true ? undefined : o.options.tracerProvider;
    this.#explicitTracer = given === undefined ? undefined : (given.getTracer(SCOPE) as OtelTracer);
    this.histogram();
  }

  /** The tracer to record to; undefined when no SDK is registered (and none was given). */
  tracer(): OtelTracer | undefined {
    if (this.#explicitTracer !== undefined) return this.#explicitTracer;
    const provider = this.api.trace.getTracerProvider();
    if (provider !== this.#tracerProvider) {
      this.#tracerProvider = provider;
      this.#tracer = provider.getTracer(SCOPE) as OtelTracer;
    }
    // The global provider is a proxy; with nothing registered behind it every span would be a no-op.
    return provider.getDelegate?.() === this.#noopTracerProvider ? undefined : this.#tracer;
  }

  /** The attempt-duration histogram; undefined when no meter records (no SDK registered, or telemetry closed). */
  histogram(): OtelHistogram | undefined {
    if (this.#closed) return undefined;
    const given = this.#o.options === true ? undefined : this.#o.options.meterProvider;
    const provider = given ?? this.api.metrics.getMeterProvider();
    if (provider !== this.#meterProvider) this.#useMeter(provider);
    return this.#histogram;
  }

  close(): void {
    this.#closed = true;
    this.#release();
  }

  #useMeter(provider: { getMeter(name: string): object }): void {
    this.#release();
    this.#meterProvider = provider;
    const meter = provider.getMeter(SCOPE) as OtelMeter;
    if (meter === this.#noopMeter) {
      this.#meter = undefined;
      this.#histogram = undefined;
      return;
    }
    this.#meter = meter;
    const d = this.#o.duration;
    this.#histogram = meter.createHistogram(d.name, { unit: d.unit, description: d.description, ...(d.buckets !== undefined ? { advice: { explicitBucketBoundaries: d.buckets } } : {}) });
    this.#observeStats(meter);
  }

  /** Registers the `svcgen.client.*` instruments, read from the client's stats in one callback per collection. */
  #observeStats(meter: OtelMeter): void {
    const retries = meter.createObservableCounter("svcgen.client.retries", { unit: "{retry}", description: "Attempts re-sent by the retry layer (svcgen.retry.kind: retry or rotation)" });
    const refusals = meter.createObservableCounter("svcgen.client.retry_budget.refusals", { unit: "{retry}", description: "Re-sends the retry budget refused" });
    const rejections = meter.createObservableCounter("svcgen.client.breaker.rejections", { unit: "{call}", description: "Calls refused by an open circuit breaker before anything was sent" });
    const breaker = meter.createObservableGauge("svcgen.client.breaker.state", { unit: "1", description: "1 for the breaker's current state (svcgen.breaker.state), 0 for the others" });
    const endpoints = meter.createObservableGauge("svcgen.client.endpoints", { unit: "{endpoint}", description: "Endpoints in the set, by whether their breaker is open (svcgen.endpoint.state: available or ejected)" });
    const inFlight = meter.createObservableGauge("svcgen.client.requests.in_flight", { unit: "{request}", description: "Requests on the endpoint's connection pool: sent and waiting, or queued for a connection" });
    const connections = meter.createObservableUpDownCounter("http.client.open_connections", { unit: "{connection}", description: "Open connections to the endpoint (http.connection.state: active or idle)" });
    const source = this.#o.stats;
    const service = source.service;
    const observe: OtelBatchCallback = (result: OtelObservableResult) => {
      const s = clientStats(source);
      result.observe(retries, s.retries - s.rotations, { "svcgen.service": service, "svcgen.retry.kind": "retry" });
      result.observe(retries, s.rotations, { "svcgen.service": service, "svcgen.retry.kind": "rotation" });
      result.observe(refusals, s.budgetRefusals, { "svcgen.service": service });
      result.observe(rejections, s.breakerRejections, { "svcgen.service": service });
      if (s.breaker !== undefined) observeState(result, breaker, s.breaker, { "svcgen.service": service, "svcgen.breaker.scope": "service" });
      let ejected = 0;
      for (const e of s.endpoints) {
        if (e.breaker === "open") ejected++;
        if (e.breaker !== undefined) observeState(result, breaker, e.breaker, { "svcgen.service": service, "svcgen.breaker.scope": "endpoint", "svcgen.endpoint": e.endpoint });
        if (e.pool === undefined) continue;
        const at = endpointAttributes(service, e.endpoint);
        result.observe(inFlight, e.pool.inFlight, at);
        result.observe(connections, e.pool.connected - e.pool.free, { ...at, "http.connection.state": "active" });
        result.observe(connections, e.pool.free, { ...at, "http.connection.state": "idle" });
      }
      result.observe(endpoints, s.endpoints.length - ejected, { "svcgen.service": service, "svcgen.endpoint.state": "available" });
      result.observe(endpoints, ejected, { "svcgen.service": service, "svcgen.endpoint.state": "ejected" });
    };
    this.#observables = [retries, refusals, rejections, breaker, endpoints, inFlight, connections];
    this.#observe = observe;
    meter.addBatchObservableCallback(observe, this.#observables);
  }

  #release(): void {
    if (this.#meter !== undefined && this.#observe !== undefined) this.#meter.removeBatchObservableCallback(this.#observe, this.#observables);
    this.#observe = undefined;
    this.#observables = [];
    this.#meter = undefined;
    this.#histogram = undefined;
    this.#meterProvider = undefined;
  }
}

function observeState(result: OtelObservableResult, gauge: object, state: string, attributes: Attributes): void {
  for (const s of STATES) result.observe(gauge, s === state ? 1 : 0, { ...attributes, "svcgen.breaker.state": s });
}

/** `server.address` / `server.port` of an origin (an IPv6 address without its brackets, as the conventions want). */
export function endpointAttributes(service: string, origin: string): Attributes {
  const at = origin.lastIndexOf(":");
  const host = origin.slice(origin.indexOf("://") + 3, at);
  return { "svcgen.service": service, "svcgen.endpoint": origin, "server.address": bareHost(host), "server.port": Number(origin.slice(at + 1)) };
}
