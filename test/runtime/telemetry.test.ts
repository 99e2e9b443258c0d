// OpenTelemetry from the HTTP client, against the real SDK (in-memory exporters, a manual metric reader) and real
// servers on 127.0.0.1. The runtime loads @opentelemetry/api with require (its CommonJS copy) while this file imports
// the ESM one: the two meet only through the API's global registry, as they do in users' projects.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { trace } from "@opentelemetry/api";
import type { Span } from "@opentelemetry/api";
import { AlwaysOffSampler, BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { AggregationTemporality, MeterProvider } from "@opentelemetry/sdk-metrics";
import type { DataPoint, Histogram } from "@opentelemetry/sdk-metrics";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { createServiceClient, isCircuitOpenError, isHttpError } from "../../src/runtime/index.js";
import type { ServiceClient } from "../../src/runtime/index.js";
import { redactedUrl } from "../../src/runtime/telemetry/http.js";
import { TestReader, otel, points } from "../support/otel.js";
import { json, startServer } from "./support/http.js";
import type { TestServer } from "./support/http.js";
import { op, service } from "./support/service.js";

const sdk = otel();
const { exporter, tracerProvider, reader } = sdk;
const caller = tracerProvider.getTracer("test");
beforeAll(() => sdk.install());
afterAll(() => sdk.uninstall());

const clients: ServiceClient[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  exporter.reset();
});

const getItem = op("getItem", "GET", "/items/{id}", { params: [{ name: "id", in: "path", style: "simple", explode: false }] });

/** A server that answers 503 to the first `failures` requests, then 200. */
async function flaky(failures: number): Promise<TestServer> {
  let n = 0;
  const server = await startServer((_req, res) => (n++ < failures ? json(res, 503, { error: "busy" }) : json(res, 200, { id: "7" })));
  servers.push(server);
  return server;
}

function client(server: TestServer, options: Parameters<typeof createServiceClient>[1] = {}, name = "items"): ServiceClient {
  const c = createServiceClient(service(server.origin, { name, retry: { jitter: "none", initialBackoffMs: 1, maxBackoffMs: 1 } }), options);
  clients.push(c);
  return c;
}

const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
const attemptSpans = (): ReadableSpan[] => spans().filter((s) => s.kind === 2);
const parentOf = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId;

describe("traces", () => {
  it("a GET retried through a 503 under an active span: a call span, two CLIENT spans, each attempt's traceparent on the wire", async () => {
    const server = await flaky(1);
    const items = client(server);
    let outer!: Span;
    await caller.startActiveSpan("handler", async (span) => {
      outer = span;
      await items.call(getItem, { path: { id: "7" } });
      span.end();
    });

    const traceId = outer.spanContext().traceId;
    const call = spans().find((s) => s.name === "items.getItem")!;
    expect(call.kind).toBe(0); // INTERNAL
    expect(call.spanContext().traceId).toBe(traceId);
    expect(parentOf(call)).toBe(outer.spanContext().spanId);
    expect(call.attributes["svcgen.attempts"]).toBe(2);
    expect(call.events.map((e) => e.name)).toEqual(["svcgen.retry"]);
    expect(call.events[0]!.attributes).toMatchObject({ "svcgen.attempt": 1, "svcgen.reason": "503", "svcgen.pause_ms": 1 });

    const attempts = attemptSpans();
    expect(attempts.map((s) => s.name)).toEqual(["GET /items/{id}", "GET /items/{id}"]);
    for (const s of attempts) {
      expect(s.spanContext().traceId).toBe(traceId);
      expect(parentOf(s)).toBe(call.spanContext().spanId);
    }
    const [first, second] = attempts as [ReadableSpan, ReadableSpan];
    expect(first.attributes).toMatchObject({
      "http.request.method": "GET",
      "url.template": "/items/{id}",
      "url.full": `${server.origin}/items/7`,
      "server.address": "127.0.0.1",
      "server.port": server.port,
      "http.response.status_code": 503,
      "error.type": "503",
      "svcgen.attempt": 1,
      "svcgen.endpoint": server.origin,
    });
    expect(first.attributes["http.request.resend_count"]).toBeUndefined();
    expect(first.status.code).toBe(2);
    expect(second.attributes).toMatchObject({ "http.response.status_code": 200, "http.request.resend_count": 1, "svcgen.attempt": 2 });
    expect(second.attributes["error.type"]).toBeUndefined();
    expect(second.status.code).toBe(0);

    // What the server saw: two GETs, each naming its own attempt's span.
    expect(server.counts()).toEqual({ GET: 2 });
    expect(server.requests.map((r) => r.headers["traceparent"])).toEqual(attempts.map((s) => `00-${traceId}-${s.spanContext().spanId}-01`));
  });

  it("without an active span, a traceparent the caller sends is the parent (pass-through)", async () => {
    const server = await flaky(0);
    const items = client(server);
    const given = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    await items.call(getItem, { path: { id: "1" } }, { headers: { traceparent: given } });
    const [attempt] = attemptSpans();
    const call = spans().find((s) => s.kind === 0)!;
    expect(call.spanContext().traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(parentOf(call)).toBe("b7ad6b7169203331");
    expect(server.requests[0]!.headers["traceparent"]).toBe(`00-0af7651916cd43dd8448eb211c80319c-${attempt!.spanContext().spanId}-01`);
  });

  it("sampled out (AlwaysOffSampler): no span recorded, each attempt still sends a valid traceparent with flags 00, middleware runs in that context, the duration is measured", async () => {
    const off = new InMemorySpanExporter();
    const tracers = new BasicTracerProvider({ sampler: new AlwaysOffSampler(), spanProcessors: [new SimpleSpanProcessor(off)] });
    const server = await flaky(1);
    const seen: (string | undefined)[] = [];
    const items = client(server, { telemetry: { tracerProvider: tracers }, middleware: [(next) => (request) => (seen.push(trace.getActiveSpan()?.spanContext().spanId), next(request))] }, "unsampled");
    await items.call(getItem, { path: { id: "1" } });
    expect(off.getFinishedSpans()).toEqual([]);
    expect(spans()).toEqual([]);
    const sent = server.requests.map((r) => r.headers["traceparent"]);
    expect(sent).toHaveLength(2);
    const parsed = sent.map((h) => /^00-([0-9a-f]{32})-([0-9a-f]{16})-00$/.exec(String(h)));
    for (const m of parsed) {
      expect(m).not.toBeNull();
      expect(m![1]).not.toBe("0".repeat(32));
      expect(m![2]).not.toBe("0".repeat(16));
    }
    // One trace for the call: both attempts carry the (unrecorded) call span's context, and user middleware sees it.
    expect(new Set(parsed.map((m) => `${m![1]}-${m![2]}`)).size).toBe(1);
    expect(seen).toEqual([parsed[0]![2], parsed[0]![2]]);
    const mine = points(await reader.metrics(), "http.client.request.duration").filter((p) => p.attributes["svcgen.service"] === "unsampled");
    expect(mine.map((p) => p.attributes["http.response.status_code"]).sort()).toEqual([200, 503]);
  });

  it("under an unsampled remote parent (the SDK's default ParentBased sampler): no span recorded, the parent's trace goes on unsampled", async () => {
    const server = await flaky(0);
    const items = client(server, {}, "unsampled-parent");
    const given = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
    await items.call(getItem, { path: { id: "1" } }, { headers: { traceparent: given } });
    expect(spans()).toEqual([]);
    const sent = String(server.requests[0]!.headers["traceparent"]);
    expect(sent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-00$/);
    expect(sent).not.toBe(given); // the call's own span id, a child of the caller's
  });

  it("telemetry: false records nothing and sends the caller's traceparent unchanged", async () => {
    const server = await flaky(1);
    const items = client(server, { telemetry: false }, "quiet");
    const given = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    await caller.startActiveSpan("handler", async (span) => {
      await items.call(getItem, { path: { id: "1" } });
      await items.call(getItem, { path: { id: "2" } }, { headers: { traceparent: given } });
      span.end();
    });
    expect(spans().map((s) => s.name)).toEqual(["handler"]);
    expect(server.requests.map((r) => r.headers["traceparent"])).toEqual([undefined, undefined, given]);
    const all = await reader.metrics();
    expect(points(all, "http.client.request.duration").filter((p) => p.attributes["svcgen.service"] === "quiet")).toEqual([]);
    expect(points(all, "svcgen.client.retries").filter((p) => p.attributes["svcgen.service"] === "quiet")).toEqual([]);
  });

  it("given providers are used instead of the global ones", async () => {
    const own = new InMemorySpanExporter();
    const ownTracers = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(own)] });
    const ownReader = new TestReader();
    const ownMeters = new MeterProvider({ readers: [ownReader] });
    const server = await flaky(0);
    const items = client(server, { telemetry: { tracerProvider: ownTracers, meterProvider: ownMeters } }, "own");
    await items.call(getItem, { path: { id: "1" } });
    expect(spans()).toEqual([]);
    expect(own.getFinishedSpans().map((s) => s.name)).toEqual(["GET /items/{id}", "own.getItem"]);
    expect(points(await ownReader.metrics(), "http.client.request.duration")).toHaveLength(1);
    expect(points(await reader.metrics(), "http.client.request.duration").filter((p) => p.attributes["svcgen.service"] === "own")).toEqual([]);
    await ownMeters.shutdown();
  });

  it("a breaker's refusal is an event on the call's span, with no attempt span", async () => {
    const server = await startServer((_req, res) => json(res, 500, {}));
    servers.push(server);
    const def = service(server.origin, { name: "breaking", policy: { circuitBreaker: { enabled: true, mode: "consecutive", failureThreshold: 1, openMs: 60_000, halfOpenRequests: 1 } }, retry: { maxAttempts: 1 } });
    const c = createServiceClient(def);
    clients.push(c);
    await c.call(getItem, { path: { id: "1" } }).catch((e: unknown) => expect(isHttpError(e)).toBe(true));
    exporter.reset();
    const error = await c.call(getItem, { path: { id: "1" } }).catch((e: unknown) => e);
    expect(isCircuitOpenError(error)).toBe(true);
    expect(attemptSpans()).toEqual([]);
    const [call] = spans();
    expect(call!.events.map((e) => e.name)).toEqual(["svcgen.breaker_rejected"]);
    expect(call!.attributes).toMatchObject({ "error.type": "circuit_open", "svcgen.attempts": 0 });
    expect(call!.status.code).toBe(2);
    expect(server.requests).toHaveLength(1);
    expect(c.stats()).toMatchObject({ calls: 2, failures: 2, attempts: 1, breakerRejections: 1, breaker: "open" });
  });

  it("a credential replay after a 401 is its own attempt span (resend_count 1) and an svcgen.auth_refresh event", async () => {
    let n = 0;
    const server = await startServer((req, res) => (req.headers["authorization"] === "Bearer fresh" ? json(res, 200, {}) : json(res, 401, {})));
    servers.push(server);
    const c = createServiceClient(service(server.origin, { name: "secured" }), { auth: { bearer: async () => ({ token: n++ === 0 ? "stale" : "fresh" }) } });
    clients.push(c);
    await c.call(getItem, { path: { id: "1" } });
    const attempts = attemptSpans();
    expect(attempts.map((s) => [s.attributes["http.response.status_code"], s.attributes["http.request.resend_count"], s.attributes["svcgen.attempt"]])).toEqual([
      [401, undefined, 1],
      [200, 1, 2],
    ]);
    expect(spans().find((s) => s.kind === 0)!.events.map((e) => e.name)).toEqual(["svcgen.auth_refresh"]);
    expect(server.requests.map((r) => r.headers["authorization"])).toEqual(["Bearer stale", "Bearer fresh"]);
    // The replay carries its own span's traceparent, not the refused attempt's.
    expect(server.requests.map((r) => String(r.headers["traceparent"]).split("-")[2])).toEqual(attempts.map((s) => s.spanContext().spanId));
  });

  it("user middleware runs with the attempt's span active; the transport below it with tracing suppressed", async () => {
    const server = await flaky(1);
    const seen: (string | undefined)[] = [];
    const items = client(server, { middleware: [(next) => (request) => (seen.push(trace.getActiveSpan()?.spanContext().spanId), next(request))] }, "mw");
    await items.call(getItem, { path: { id: "1" } });
    expect(seen).toEqual(attemptSpans().map((s) => s.spanContext().spanId));
  });

  it("url.full redacts apiKey query parameters and the conventions' signature keys", () => {
    const keys = new Set(["api_key", "sig"]);
    expect(redactedUrl("http://a:80", "/x?api_key=s3cr3t&b=1&sig=abc", keys)).toBe("http://a:80/x?api_key=REDACTED&b=1&sig=REDACTED");
    expect(redactedUrl("http://a:80", "/x", keys)).toBe("http://a:80/x");
  });
});

describe("metrics", () => {
  it("http.client.request.duration has a point per status, in seconds, with the conventions' buckets", async () => {
    const server = await flaky(1);
    const items = client(server, {}, "timed");
    await items.call(getItem, { path: { id: "7" } });
    const all = await reader.metrics();
    const duration = all.find((m) => m.descriptor.name === "http.client.request.duration")!;
    expect(duration.descriptor.unit).toBe("s");
    const mine = duration.dataPoints.filter((p) => p.attributes["svcgen.service"] === "timed") as DataPoint<Histogram>[];
    expect(mine.map((p) => p.attributes["http.response.status_code"]).sort()).toEqual([200, 503]);
    for (const p of mine) {
      expect(p.attributes).toMatchObject({ "http.request.method": "GET", "url.template": "/items/{id}", "server.address": "127.0.0.1", "server.port": server.port, "url.scheme": "http" });
      expect(p.value.count).toBe(1);
      expect(p.value.buckets.boundaries).toEqual([0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]);
      expect(p.value.sum).toBeLessThan(10); // seconds, not milliseconds
    }
    expect(mine.find((p) => p.attributes["http.response.status_code"] === 503)!.attributes["error.type"]).toBe("503");
  });

  it("stats() and the svcgen.client.* instruments agree under load: 40 calls in flight, mixed faults, in-flight per endpoint from the pool", async () => {
    let n = 0;
    const held: (() => void)[] = [];
    const server = await startServer((req, res) => {
      if (req.url.startsWith("/hold")) {
        held.push(() => json(res, 200, {}));
        return;
      }
      // Every third request fails once with 503 (retried), every seventh is a 404 (a failure, not retried).
      const k = n++;
      if (k % 7 === 3) json(res, 404, {});
      else if (k % 3 === 0) json(res, 503, {});
      else json(res, 200, {});
    });
    servers.push(server);
    const def = service(server.origin, { name: "loaded", policy: { circuitBreaker: { enabled: false } }, retry: { jitter: "none", initialBackoffMs: 1, maxBackoffMs: 1, maxAttempts: 3, budgetRatio: 1 } });
    const c = createServiceClient(def);
    clients.push(c);
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => c.call(getItem, { path: { id: String(i) } })));
    const failed = results.filter((r) => r.status === "rejected").length;
    const s = c.stats();
    expect(s.calls).toBe(40);
    expect(s.inFlight).toBe(0);
    expect(s.failures).toBe(failed);
    expect(s.attempts).toBe(server.requests.length);
    expect(s.retries).toBe(server.requests.length - 40);
    expect(s.retries).toBeGreaterThan(0);

    // Five requests held by the server: the pool says so, and so does the gauge.
    const hold = op("hold", "GET", "/hold");
    const pending = Array.from({ length: 5 }, () => c.call(hold, undefined));
    while (held.length < 5) await new Promise((r) => setTimeout(r, 5));
    const during = c.stats();
    expect(during.inFlight).toBe(5);
    expect(during.endpoints).toEqual([{ endpoint: server.origin, breaker: undefined, pool: expect.objectContaining({ inFlight: 5, running: 5 }) }]);
    const all = await reader.metrics();
    const mine = (name: string) => points(all, name).filter((p) => p.attributes["svcgen.service"] === "loaded");
    expect(mine("svcgen.client.requests.in_flight").map((p) => p.value)).toEqual([5]);
    expect(mine("svcgen.client.retries").find((p) => p.attributes["svcgen.retry.kind"] === "retry")!.value).toBe(s.retries);
    expect(mine("svcgen.client.endpoints").find((p) => p.attributes["svcgen.endpoint.state"] === "available")!.value).toBe(1);
    const active = mine("http.client.open_connections").find((p) => p.attributes["http.connection.state"] === "active")!;
    expect(active.value).toBe(5);
    for (const release of held) release();
    await Promise.all(pending);
  });

  it("breaker state is observed per service and endpoint; close() removes the client's callback", async () => {
    // Delta temporality: an instrument whose callback still runs reports a point on every collection.
    const deltaReader = new TestReader(AggregationTemporality.DELTA);
    const meters = new MeterProvider({ readers: [deltaReader] });
    const server = await flaky(0);
    const c = createServiceClient(service(server.origin, { name: "closing" }), { telemetry: { meterProvider: meters } });
    await c.call(getItem, { path: { id: "1" } });
    const before = points(await deltaReader.metrics(), "svcgen.client.breaker.state");
    expect(before.filter((p) => p.value === 1).map((p) => [p.attributes["svcgen.breaker.scope"], p.attributes["svcgen.breaker.state"], p.attributes["svcgen.endpoint"]])).toEqual([
      ["service", "closed", undefined],
      ["endpoint", "closed", server.origin],
    ]);
    expect(before).toHaveLength(6);
    expect(points(await deltaReader.metrics(), "svcgen.client.breaker.state")).toHaveLength(6);
    await c.close();
    expect(points(await deltaReader.metrics(), "svcgen.client.breaker.state")).toEqual([]);
    await meters.shutdown();
  });
});

describe("with @opentelemetry/instrumentation-undici", () => {
  it("one client span and one traceparent per attempt: svcgen's, not the instrumentation's", async () => {
    const undici = new UndiciInstrumentation();
    undici.setTracerProvider(tracerProvider);
    undici.enable();
    try {
      const server = await flaky(1);
      const items = client(server, {}, "both");
      await caller.startActiveSpan("handler", async (span) => {
        await items.call(getItem, { path: { id: "1" } });
        span.end();
      });
      expect(attemptSpans().map((s) => s.instrumentationScope.name)).toEqual(["svcgen", "svcgen"]);
      expect(server.requests.map((r) => r.headers["traceparent"])).toEqual(attemptSpans().map((s) => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`));

      // Sampled out: still one traceparent per attempt (svcgen's, flags 00) and no span from the instrumentation.
      exporter.reset();
      const unsampled = client(server, { telemetry: { tracerProvider: new BasicTracerProvider({ sampler: new AlwaysOffSampler() }) } }, "both-unsampled");
      const before = server.requests.length;
      await unsampled.call(getItem, { path: { id: "1" } });
      expect(spans()).toEqual([]);
      expect(server.requests.slice(before).map((r) => r.headers["traceparent"])).toEqual([expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/)]);

      // With svcgen's telemetry off, the instrumentation is what traces (so it was live above).
      exporter.reset();
      const quiet = client(server, { telemetry: false }, "undici-only");
      await quiet.call(getItem, { path: { id: "2" } });
      expect(attemptSpans().map((s) => s.instrumentationScope.name)).toEqual(["@opentelemetry/instrumentation-undici"]);
    } finally {
      undici.disable();
    }
  });
});
