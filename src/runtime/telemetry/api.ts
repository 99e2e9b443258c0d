// The OpenTelemetry API (@opentelemetry/api, an optional peer dependency, ^1.9), when the user's project has it.
//   - Loaded once, by the first client created with telemetry on, with `require` from this file's folder: generated
//     code compiles to ESM or CommonJS (NodeNext follows the user's package.json), so neither a static import (it
//     would fail where the package is missing) nor `import.meta` (not allowed in CommonJS output) can do it, and an
//     async `import()` would leave the first calls of a program untraced.
//   - The CommonJS copy loaded here and the ESM copy the user imports share one registry (globalThis, Symbol.for
//     keys): providers, the context manager and the propagator are read through it when used, never kept across a
//     registration (a tracer taken from an unregistered proxy would stay a no-op forever).
//   - Only this structural subset is used, so the runtime's types never name the package.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue | undefined>;

export interface OtelContext {
  getValue(key: symbol): unknown;
  setValue(key: symbol, value: unknown): OtelContext;
}

export interface OtelSpanContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
}

export interface OtelSpan {
  spanContext(): OtelSpanContext;
  setAttribute(key: string, value: AttributeValue): unknown;
  addEvent(name: string, attributes?: Attributes): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  isRecording(): boolean;
  end(): void;
}

export interface OtelTracer {
  startSpan(name: string, options?: { kind?: number; attributes?: Attributes }, context?: OtelContext): OtelSpan;
}

export interface OtelHistogram {
  record(value: number, attributes?: Attributes, context?: OtelContext): void;
}

export interface OtelObservableResult {
  observe(observable: object, value: number, attributes?: Attributes): void;
}

export type OtelBatchCallback = (result: OtelObservableResult) => void;

export interface OtelMeter {
  createHistogram(name: string, options?: { description?: string; unit?: string; advice?: { explicitBucketBoundaries?: number[] } }): OtelHistogram;
  createObservableGauge(name: string, options?: { description?: string; unit?: string }): object;
  createObservableCounter(name: string, options?: { description?: string; unit?: string }): object;
  createObservableUpDownCounter(name: string, options?: { description?: string; unit?: string }): object;
  addBatchObservableCallback(callback: OtelBatchCallback, observables: object[]): void;
  removeBatchObservableCallback(callback: OtelBatchCallback, observables: object[]): void;
}

/** A tracer provider: the global one, or `ClientOptions.telemetry.tracerProvider` (an SDK's TracerProvider fits). */
export interface TracerProviderLike {
  getTracer(name: string, version?: string): object;
}

/** A meter provider: the global one, or `ClientOptions.telemetry.meterProvider` (an SDK's MeterProvider fits). */
export interface MeterProviderLike {
  getMeter(name: string, version?: string): object;
}

export interface OtelApi {
  readonly context: {
    active(): OtelContext;
    with<T>(context: OtelContext, fn: () => T): T;
  };
  readonly trace: {
    getTracerProvider(): TracerProviderLike & { getDelegate?(): object };
    getSpan(context: OtelContext): OtelSpan | undefined;
    setSpan(context: OtelContext, span: OtelSpan): OtelContext;
  };
  readonly metrics: { getMeterProvider(): MeterProviderLike };
  readonly propagation: {
    inject(context: OtelContext, carrier: Record<string, string>): void;
    extract(context: OtelContext, carrier: Record<string, string>): OtelContext;
  };
  readonly ProxyTracerProvider: new () => { getDelegate(): object };
  createNoopMeter(): object;
  createContextKey(description: string): symbol;
}

let loaded: OtelApi | null | undefined;

/** The API, or undefined when the project does not have it (nothing fails, nothing is recorded). */
export function otelApi(): OtelApi | undefined {
  if (loaded === undefined) loaded = load();
  return loaded ?? undefined;
}

function load(): OtelApi | null {
  for (const from of [ownFile(), `${process.cwd()}/package.json`]) {
    if (from === undefined) continue;
    try {
      const api = createRequire(from)("@opentelemetry/api") as Partial<OtelApi>;
      // ^1.9: the metrics API and ProxyTracerProvider are there.
      if (typeof api.createNoopMeter === "function" && typeof api.ProxyTracerProvider === "function" && api.metrics !== undefined) return api as OtelApi;
    } catch {
      // Not installed where this file lives: try the working directory's project.
    }
  }
  return null;
}

/** This module's own path: `__filename` in CommonJS output, else the first frame of a stack trace (ESM). */
function ownFile(): string | undefined {
  if (typeof __filename === "string") return __filename;
  const frame = /(file:\/\/\/[^\s)]+|\/[^\s():]+):\d+:\d+/.exec(new Error().stack ?? "");
  if (frame === null) return undefined;
  try {
    return frame[1]!.startsWith("file:") ? fileURLToPath(frame[1]!) : frame[1];
  } catch {
    return undefined;
  }
}
