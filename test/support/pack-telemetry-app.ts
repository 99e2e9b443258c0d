// The user program test/pack.test.ts writes into its scratch project once the OpenTelemetry SDK is installed there:
// TypeScript the user's own tsc checks (strict settings) and compiles, then node runs. It registers the SDK with
// in-memory exporters, makes one call per client under its own active span, and prints what the SDK recorded as JSON
// for the test to judge (with what the servers saw). Kept as text: it imports the scratch project's generated/.
//
// Env: USERS_URL (answers 503, then 200), QUIET_URL (the same, for a `telemetry: false` client), GRPC_URL (a grpc-js
// auth server), GRPC_TOKEN (a token it accepts).

/** What the program prints (JSON on one line). */
export interface TelemetryAppOutput {
  handlers: Record<"http" | "quiet" | "grpc", { traceId: string; spanId: string }>;
  results: { user: string; quietUser: string; tokenValid: boolean };
  spans: PrintedSpan[];
  metrics: Record<string, { unit: string; points: { attributes: Record<string, unknown>; count: number }[] }>;
  stats: Record<"users" | "quiet" | "auth", Record<string, unknown>>;
}

export interface PrintedSpan {
  name: string;
  kind: number;
  scope: string;
  traceId: string;
  spanId: string;
  parent: string | null;
  status: number;
  attributes: Record<string, unknown>;
  events: string[];
}

export const TELEMETRY_APP = `import { context, metrics, propagation, trace } from "@opentelemetry/api";
import type { Span } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { AggregationTemporality, MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import type { Histogram } from "@opentelemetry/sdk-metrics";
import { createAuthServiceGrpcClient, createUsersServiceClient } from "./generated/clients/index.js";

/** Collects on demand (no timer): the SDK's MetricReader with nothing to flush. */
class OnDemandReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const reader = new OnDemandReader();
const meterProvider = new MeterProvider({ readers: [reader] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
trace.setGlobalTracerProvider(tracerProvider);
metrics.setGlobalMeterProvider(meterProvider);

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(name + " is not set");
  return value;
}

const tracer = trace.getTracer("app");

/** Runs fn under a new active span (a request handler's span, say); the span's ids come back with fn's result. */
function handler<T>(name: string, fn: () => Promise<T>): Promise<{ value: T; traceId: string; spanId: string }> {
  return tracer.startActiveSpan(name, async (span: Span) => {
    try {
      const { traceId, spanId } = span.spanContext();
      return { value: await fn(), traceId, spanId };
    } finally {
      span.end();
    }
  });
}

// Created after the SDK is registered, as an app's clients usually are; the telemetry: false one must stay silent.
const users = createUsersServiceClient({ baseUrl: env("USERS_URL") });
const quiet = createUsersServiceClient({ baseUrl: env("QUIET_URL"), telemetry: false });
const auth = createAuthServiceGrpcClient({ baseUrl: env("GRPC_URL") });

const id = "11111111-1111-4111-8111-111111111111";
const http = await handler("http-handler", () => users.getUser({ path: { id } }));
const off = await handler("quiet-handler", () => quiet.getUser({ path: { id } }));
const grpc = await handler("grpc-handler", () => auth.authService.validateToken({ token: env("GRPC_TOKEN"), audience: "order-api" }));

const { resourceMetrics } = await reader.collect();
const instruments = resourceMetrics.scopeMetrics.filter((s) => s.scope.name === "svcgen").flatMap((s) => s.metrics);
const durations = Object.fromEntries(
  instruments
    .filter((m) => m.descriptor.name === "http.client.request.duration" || m.descriptor.name === "rpc.client.duration")
    .map((m) => [
      m.descriptor.name,
      { unit: m.descriptor.unit, points: m.dataPoints.map((p) => ({ attributes: p.attributes, count: (p.value as Histogram).count })) },
    ]),
);
const stats = { users: users.stats(), quiet: quiet.stats(), auth: auth.stats() };
// Taken before shutdown, which empties the in-memory exporter.
const spans = exporter.getFinishedSpans().map((s) => ({
  name: s.name,
  kind: s.kind,
  scope: s.instrumentationScope.name,
  traceId: s.spanContext().traceId,
  spanId: s.spanContext().spanId,
  parent: s.parentSpanContext?.spanId ?? null,
  status: s.status.code,
  attributes: s.attributes,
  events: s.events.map((e) => e.name),
}));
await Promise.all([users.close(), quiet.close(), auth.close()]);
await meterProvider.shutdown();
await tracerProvider.shutdown();

const ids = (h: { traceId: string; spanId: string }) => ({ traceId: h.traceId, spanId: h.spanId });
console.log(
  JSON.stringify({
    handlers: { http: ids(http), quiet: ids(off), grpc: ids(grpc) },
    results: { user: http.value.name, quietUser: off.value.name, tokenValid: grpc.value.valid },
    spans,
    metrics: durations,
    stats,
  }),
);
`;
