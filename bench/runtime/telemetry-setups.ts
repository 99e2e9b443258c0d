// What the telemetry benchmark compares (issue 14, "Cost"): one client per variant, each in its own process with its
// own OpenTelemetry setup registered the way an application registers it.
//   baseline      the runtime before telemetry (--baseline=<rev>, default e418855), no OpenTelemetry loaded
//   off           today's runtime, `telemetry: false` (the layers are not in the chain)
//   default       today's runtime, default options: @opentelemetry/api installed, no SDK registered
//   baseline-sdk  the baseline runtime in a process with the SDK registered as below (it records nothing of svcgen's)
//   sdk-noop      the SDK registered globally with providers that record nothing: a BasicTracerProvider without span
//                 processors, a MeterProvider without readers, plus the AsyncLocalStorage context manager and the W3C
//                 propagator (spans are still sampled and built, then dropped)
//   sdk-off       the same with an AlwaysOffSampler: non-recording spans, `traceparent` still propagated
//   recording     informational: SimpleSpanProcessor → InMemorySpanExporter and a MeterProvider with a manual reader
// Why baseline-sdk: on Node 20 the AsyncLocalStorage behind the context manager turns on an async hook at its first
// use, and from then on every promise in the process pays for it (Node 22+ can use AsyncContextFrame instead). An
// application that registers the SDK uses its context manager for its own spans (an incoming request's server span),
// so the hook is on before any svcgen call; its "today" already pays that. The SDK setups therefore enter the
// context manager once when registered, and the SDK variants are held against the baseline runtime under the same
// setup. Their ratio to the plain baseline is printed too: what the whole OpenTelemetry setup costs this process.
// The SDK packages are imported only by the variants that register them.

export type SetupKind = "none" | "sdk-noop" | "sdk-off" | "recording";

export interface Variant {
  readonly id: string;
  readonly label: string;
  /** Which runtime builds the client. */
  readonly runtime: "baseline" | "current";
  /** ClientOptions.telemetry; undefined: left out (the default). */
  readonly telemetry: false | undefined;
  readonly setup: SetupKind;
  /** The variant it is held against: the baseline runtime under the same OpenTelemetry setup. */
  readonly reference: "baseline" | "baseline-sdk";
  /** Throughput and p50 within this fraction of the reference's; undefined: informational. */
  readonly target: number | undefined;
}

export const VARIANTS: readonly Variant[] = [
  { id: "baseline", label: "baseline (before telemetry)", runtime: "baseline", telemetry: undefined, setup: "none", reference: "baseline", target: undefined },
  { id: "off", label: "telemetry: false", runtime: "current", telemetry: false, setup: "none", reference: "baseline", target: 0.02 },
  { id: "default", label: "default, API only (no SDK)", runtime: "current", telemetry: undefined, setup: "none", reference: "baseline", target: 0.02 },
  { id: "baseline-sdk", label: "baseline, SDK registered", runtime: "baseline", telemetry: undefined, setup: "sdk-noop", reference: "baseline-sdk", target: undefined },
  { id: "sdk-noop", label: "SDK, no processor/reader", runtime: "current", telemetry: undefined, setup: "sdk-noop", reference: "baseline-sdk", target: 0.05 },
  { id: "sdk-off", label: "SDK, AlwaysOffSampler", runtime: "current", telemetry: undefined, setup: "sdk-off", reference: "baseline-sdk", target: 0.05 },
  { id: "recording", label: "SDK recording (in-memory)", runtime: "current", telemetry: undefined, setup: "recording", reference: "baseline-sdk", target: undefined },
];

export interface Setup {
  /** Called after each round, outside the measured time: what a periodic exporter would do. */
  afterRound(): Promise<void>;
  /** A short description of the spans and metric points the last round produced, for the log. */
  readonly describe: () => string;
}

/** Registers the variant's OpenTelemetry globals in this process (once: each variant has its own process). */
export async function installSetup(kind: SetupKind): Promise<Setup> {
  if (kind === "none") return { afterRound: async () => {}, describe: () => "" };
  const { context, metrics, propagation, trace } = await import("@opentelemetry/api");
  const { AsyncLocalStorageContextManager } = await import("@opentelemetry/context-async-hooks");
  const { W3CTraceContextPropagator } = await import("@opentelemetry/core");
  const { AlwaysOffSampler, BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
  const { MeterProvider, MetricReader } = await import("@opentelemetry/sdk-metrics");

  class ManualReader extends MetricReader {
    protected override async onForceFlush(): Promise<void> {}
    protected override async onShutdown(): Promise<void> {}
  }

  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  // The application's own first span would do this (see above): AsyncLocalStorage's hook is on from here.
  context.with(context.active().setValue(Symbol("bench"), true), () => undefined);
  if (kind !== "recording") {
    trace.setGlobalTracerProvider(new BasicTracerProvider(kind === "sdk-off" ? { sampler: new AlwaysOffSampler() } : {}));
    metrics.setGlobalMeterProvider(new MeterProvider());
    return { afterRound: async () => {}, describe: () => "" };
  }
  const exporter = new InMemorySpanExporter();
  const reader = new ManualReader();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  let spans = 0;
  let points = 0;
  // Finished spans are dropped every 200 ms as well as after each round, so the exporter holds what a batch
  // exporter would (one batch), not a round's worth: a round of retained spans would bill the GC, not telemetry.
  const drop = setInterval(() => {
    spans += exporter.getFinishedSpans().length;
    exporter.reset();
  }, 200);
  drop.unref();
  return {
    async afterRound() {
      spans += exporter.getFinishedSpans().length;
      exporter.reset();
      const { resourceMetrics } = await reader.collect();
      points = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).reduce((n, m) => n + m.dataPoints.length, 0);
    },
    describe: () => {
      const said = `${spans} spans exported, ${points} metric points collected`;
      spans = 0;
      return said;
    },
  };
}
