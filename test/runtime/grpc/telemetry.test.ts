// OpenTelemetry from the generated gRPC client (the example's auth_service) against a real @grpc/grpc-js server and
// the real SDK with in-memory exporters: RPC spans per attempt, the traceparent each attempt sent, rpc.client.duration.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AlwaysOffSampler, BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { startAuthGrpcServer, paths, VALID_TOKEN, AUTH_SERVICE } from "../../support/servers/grpc-auth.js";
import type { RunningGrpcServer } from "../../support/servers/grpc.js";
import { otel } from "../../support/otel.js";
import { collect, generateExample } from "./support.js";
import type { Generated } from "./support.js";

const sdk = otel();
const { exporter, tracerProvider, reader } = sdk;

let g: Generated;
beforeAll(async () => {
  sdk.install();
  g = await generateExample("grpc-telemetry");
});
afterAll(() => sdk.uninstall());

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  exporter.reset();
});

async function server(): Promise<RunningGrpcServer> {
  const s = await startAuthGrpcServer();
  cleanup.push(() => s.close());
  return s;
}

function client(url: string, options: Parameters<Generated["auth"]["createAuthServiceGrpcClient"]>[0] = {}) {
  const c = g.auth.createAuthServiceGrpcClient({ baseUrl: url, env: {}, ...options });
  cleanup.push(() => c.close());
  return c;
}

const rpcSpans = (): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.kind === 2);

describe("gRPC telemetry", () => {
  it("a unary call retried through UNAVAILABLE: one RPC span per attempt, status codes 14 then 0, each attempt's traceparent in its metadata", async () => {
    const s = await server();
    s.failNext(paths.validate, { code: 14, message: "draining" }, 1);
    const auth = client(s.url);
    const caller = tracerProvider.getTracer("test");
    await caller.startActiveSpan("handler", async (span) => {
      const info = await auth.authService.validateToken({ token: VALID_TOKEN, audience: "order-api" });
      expect(info.valid).toBe(true);
      span.end();
    });
    const attempts = rpcSpans();
    expect(attempts.map((a) => a.name)).toEqual([`${AUTH_SERVICE}/ValidateToken`, `${AUTH_SERVICE}/ValidateToken`]);
    expect(attempts.map((a) => a.attributes["rpc.grpc.status_code"])).toEqual([14, 0]);
    expect(attempts[0]!.attributes).toMatchObject({ "rpc.system": "grpc", "rpc.service": AUTH_SERVICE, "rpc.method": "ValidateToken", "server.address": "127.0.0.1", "server.port": s.port, "error.type": "UNAVAILABLE" });
    expect(attempts.map((a) => a.status.code)).toEqual([2, 0]);
    const call = exporter.getFinishedSpans().find((x) => x.kind === 0)!;
    expect(attempts.every((a) => a.parentSpanContext?.spanId === call.spanContext().spanId)).toBe(true);
    expect(call.events.map((e) => e.name)).toEqual(["svcgen.retry"]);

    const seen = s.seen.filter((c) => c.path === paths.validate);
    expect(seen).toHaveLength(2);
    expect(seen.map((c) => c.metadata["traceparent"])).toEqual(attempts.map((a) => `00-${a.spanContext().traceId}-${a.spanContext().spanId}-01`));

    const duration = (await reader.metrics()).find((m) => m.descriptor.name === "rpc.client.duration")!;
    expect(duration.descriptor.unit).toBe("ms");
    expect(duration.dataPoints.map((p) => p.attributes["rpc.grpc.status_code"]).sort()).toEqual([0, 14]);
    expect(auth.stats()).toMatchObject({ protocol: "grpc", calls: 1, attempts: 2, retries: 1, failures: 0 });
  });

  it("a server stream's span ends when the stream is over, OK", async () => {
    const s = await server();
    const keys = await collect(client(s.url).authService.listKeys({}));
    expect(keys.length).toBeGreaterThan(0);
    // The attempt span ends at settlement, after the call resolved at its first message: wait for it.
    for (let i = 0; i < 50 && rpcSpans().length === 0; i++) await new Promise((r) => setTimeout(r, 2));
    const [span] = rpcSpans();
    expect(span!.name).toBe(`${AUTH_SERVICE}/ListKeys`);
    expect(span!.attributes["rpc.grpc.status_code"]).toBe(0);
  });

  it("sampled out (AlwaysOffSampler): no span recorded, both attempts send the call's traceparent with flags 00", async () => {
    const s = await server();
    s.failNext(paths.validate, { code: 14, message: "draining" }, 1);
    const tracers = new BasicTracerProvider({ sampler: new AlwaysOffSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const info = await client(s.url, { telemetry: { tracerProvider: tracers } }).authService.validateToken({ token: VALID_TOKEN, audience: "order-api" });
    expect(info.valid).toBe(true);
    expect(exporter.getFinishedSpans()).toEqual([]);
    const sent = s.seen.filter((c) => c.path === paths.validate).map((c) => c.metadata["traceparent"]);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatch(/^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-00$/);
    expect(sent[1]).toBe(sent[0]);
  });

  it("telemetry: false records no span and sends no traceparent", async () => {
    const s = await server();
    await client(s.url, { telemetry: false }).authService.validateToken({ token: VALID_TOKEN, audience: "order-api" });
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(s.seen[0]!.metadata["traceparent"]).toBeUndefined();
  });
});
