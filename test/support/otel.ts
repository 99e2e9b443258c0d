// The OpenTelemetry SDK as a user's project sets it up, with in-memory exporters and a manual metric reader, for
// tests that assert what svcgen recorded. Registration is process-wide: `install()` in beforeAll, `uninstall()` in
// afterAll (vitest runs each file in its own worker).
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { AggregationTemporality, MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import type { DataPoint, MetricData } from "@opentelemetry/sdk-metrics";

/** A reader collected on demand; `metrics()` returns svcgen's instruments only. */
export class TestReader extends MetricReader {
  constructor(temporality = AggregationTemporality.CUMULATIVE) {
    super({ aggregationTemporalitySelector: () => temporality });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
  async metrics(): Promise<MetricData[]> {
    const { resourceMetrics } = await this.collect();
    return resourceMetrics.scopeMetrics.filter((s) => s.scope.name === "svcgen").flatMap((s) => s.metrics);
  }
}

export interface Otel {
  readonly exporter: InMemorySpanExporter;
  readonly tracerProvider: BasicTracerProvider;
  readonly reader: TestReader;
  readonly meterProvider: MeterProvider;
  /** Registers the providers, an AsyncLocalStorage context manager and the W3C propagator globally. */
  install(): void;
  uninstall(): Promise<void>;
}

export function otel(): Otel {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    exporter,
    tracerProvider,
    reader,
    meterProvider,
    install() {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
      trace.setGlobalTracerProvider(tracerProvider);
      metrics.setGlobalMeterProvider(meterProvider);
    },
    async uninstall() {
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
      await meterProvider.shutdown();
    },
  };
}

/** The data points of instrument `name`. */
export function points(all: MetricData[], name: string): DataPoint<unknown>[] {
  return all.find((m) => m.descriptor.name === name)?.dataPoints ?? [];
}
