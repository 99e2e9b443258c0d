// What the OpenTelemetry JS SDK's own operations cost on this machine, one at a time, for reading the telemetry
// rows of `npm run bench:runtime`: `npx tsx bench/runtime/otel-ops.ts [--setup=sdk-noop|sdk-off|recording]
// [--iterations=N]`. Each operation runs synchronously N times (after a warm-up of N) with the setup registered as
// the benchmark registers it (telemetry-setups.ts); the figure is CPU µs per operation, GC included. ("recording"
// keeps every span of the loop in its exporter until the loop ends: its figures include that memory's GC.)
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import type { Attributes } from "@opentelemetry/api";
import { installSetup } from "./telemetry-setups.js";
import type { SetupKind } from "./telemetry-setups.js";

const setupArg = process.argv.find((a) => a.startsWith("--setup="))?.slice("--setup=".length) ?? "sdk-noop";
const N = Number(process.argv.find((a) => a.startsWith("--iterations="))?.slice("--iterations=".length) ?? 200_000);

await installSetup(setupArg as SetupKind);
const tracer = trace.getTracer("svcgen");
const histogram = metrics.getMeter("svcgen").createHistogram("http.client.request.duration", { unit: "s" });
const suppress = Symbol.for("OpenTelemetry SDK Context Key SUPPRESS_TRACING");

// The attributes an svcgen attempt span starts with (telemetry/http.ts), and its duration point's.
const startAttributes = (): Attributes => ({
  "http.request.method": "GET",
  "server.address": "127.0.0.1",
  "server.port": 8080,
  "url.full": "http://127.0.0.1:8080/users/1",
  "url.scheme": "http",
  "svcgen.service": "bench_service",
  "svcgen.operation": "getUser",
  "svcgen.attempt": 1,
  "svcgen.endpoint": "http://127.0.0.1:8080",
  "url.template": "/users/{id}",
});
const metricAttributes = (): Attributes => ({
  "http.request.method": "GET",
  "server.address": "127.0.0.1",
  "server.port": 8080,
  "url.scheme": "http",
  "svcgen.service": "bench_service",
  "url.template": "/users/{id}",
  "http.response.status_code": 200,
});

const root = context.active();
const callSpan = tracer.startSpan("bench_service.getUser", { kind: 0 }, root);
const callContext = trace.setSpan(root, callSpan);

const ops: [string, () => unknown][] = [
  ["allocate the attributes objects (both)", () => [startAttributes(), metricAttributes()]],
  ["startSpan(10 attributes) + end()", () => tracer.startSpan("GET /users/{id}", { kind: 2, attributes: startAttributes() }, callContext).end()],
  ["startSpan(2 attributes) + end()", () => tracer.startSpan("bench_service.getUser", { kind: 0, attributes: { "svcgen.service": "bench_service", "svcgen.operation": "getUser" } }, root).end()],
  ["trace.setSpan(context, span)", () => trace.setSpan(callContext, callSpan)],
  ["context.setValue(suppress, true)", () => callContext.setValue(suppress, true)],
  ["propagation.inject(context, {})", () => propagation.inject(callContext, {})],
  ["context.with(context, fn)", () => context.with(callContext, () => 1)],
  ["histogram.record(7 attributes)", () => histogram.record(0.001, metricAttributes())],
];

/** CPU µs per call of `fn`. */
function measure(fn: () => unknown): number {
  for (let i = 0; i < N; i++) fn();
  const before = process.cpuUsage();
  for (let i = 0; i < N; i++) fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / N;
}

console.log(`setup ${setupArg}, ${N} iterations each: CPU µs per operation`);
for (const [name, fn] of ops) console.log(`  ${name.padEnd(42)} ${measure(fn).toFixed(3).padStart(7)}`);
process.exit(0);
