// The gRPC policies against real @grpc/grpc-js servers on 127.0.0.1: retries on the listed codes with backoff and
// pushback, never re-sending a non-idempotent call a server may have run, attempt timeouts, the circuit breaker, and
// fail-over between endpoints (one HTTP/2 connection each) when one is killed. Assertions are about what the servers
// saw and what the client reports, never about how long anything took.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAuthGrpcServer, paths, VALID_TOKEN } from "../../support/servers/grpc-auth.js";
import type { RunningGrpcServer } from "../../support/servers/grpc.js";
import { collect, failure, generateExample, source } from "./support.js";
import type { Generated } from "./support.js";
import { VirtualClock } from "../support/virtual-clock.js";
import type { GrpcServiceDefinition } from "../../../generated/runtime/grpc/index.js";
import type { ClientEvent, PolicySettings } from "../../../generated/runtime/index.js";

let g: Generated;
beforeAll(async () => {
  g = await generateExample("grpc-resilience");
});

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function server(name?: string): Promise<RunningGrpcServer> {
  const s = await startAuthGrpcServer(name);
  cleanup.push(() => s.close());
  return s;
}

/** A port nothing listens on: a server started and killed. */
async function deadUrl(): Promise<string> {
  const s = await startAuthGrpcServer("dead");
  s.kill();
  return s.url;
}

const UNAVAILABLE = 14;

type Overrides = {
  policy?: Partial<Omit<PolicySettings, "retry">> & { retry?: Partial<PolicySettings["retry"]> };
  grpcRetryOn?: GrpcServiceDefinition["grpcRetryOn"];
  endpoints?: string[];
};

/** The generated definition with test-friendly pauses, optionally static endpoints. */
function definition(o: Overrides = {}): GrpcServiceDefinition {
  const base = g.auth.authServiceGrpcDefinition as GrpcServiceDefinition;
  const endpoints = (o.endpoints ?? []).map((u) => {
    const url = new URL(u);
    return { scheme: "http" as const, host: url.hostname, port: Number(url.port) };
  });
  return {
    ...base,
    ...(endpoints.length > 0 ? { discovery: { ...base.discovery, kind: "static", endpoints } } : {}),
    policy: {
      ...base.policy,
      ...o.policy,
      retry: { ...base.policy.retry, initialBackoffMs: 5, maxBackoffMs: 20, jitter: "none", ...o.policy?.retry },
    },
    ...(o.grpcRetryOn !== undefined ? { grpcRetryOn: o.grpcRetryOn } : {}),
  };
}

function client(def: GrpcServiceDefinition, options: Parameters<Generated["grpc"]["createGrpcServiceClient"]>[1] = {}) {
  const c = g.grpc.createGrpcServiceClient(def, { env: {}, ...options });
  cleanup.push(() => c.close());
  const m = g.auth.AuthService.method;
  return {
    raw: c,
    validate: (token = VALID_TOKEN, o?: Parameters<typeof c.unary>[2]) => c.unary(m.validateToken, { token }, o),
    issue: (o?: Parameters<typeof c.unary>[2]) => c.unary(m.issueToken, { subject: "u1" }, o),
    listKeys: () => collect(c.serverStream(m.listKeys, {})),
    revoke: (requests: AsyncIterable<{ token: string }>) => c.clientStream(m.revokeTokens, requests),
  };
}

describe("retries", () => {
  it("retries UNAVAILABLE for an idempotent method: the server counts two calls and the call succeeds", async () => {
    const s = await server();
    s.failNext(paths.validate, { code: UNAVAILABLE, message: "warming up" });
    const events: ClientEvent[] = [];
    const c = client(definition({ endpoints: [s.url] }));
    let attempts: readonly { outcome: unknown; retriable: boolean }[] = [];
    const info = await c.validate(VALID_TOKEN, { onEvent: (e) => events.push(e), onResponse: (r) => (attempts = r.attempts) });
    expect(info.valid).toBe(true);
    expect(s.count(paths.validate)).toBe(2);
    expect(attempts.map((a) => a.outcome)).toEqual([
      { kind: "status", status: UNAVAILABLE },
      { kind: "status", status: 0 },
    ]);
    expect(attempts[0]!.retriable).toBe(true);
    expect(events.filter((e) => e.type === "retry").map((e) => e.pauseMs)).toEqual([5]);
  });

  it("the generated example retries UNAVAILABLE by default (grpc_retry_on)", async () => {
    const s = await server();
    s.failNext(paths.validate, { code: UNAVAILABLE });
    const c = g.auth.createAuthServiceGrpcClient({ baseUrl: s.url, env: {} });
    cleanup.push(() => c.close());
    expect((await c.authService.validateToken({ token: VALID_TOKEN })).valid).toBe(true);
    expect(s.count(paths.validate)).toBe(2);
  });

  it("never re-sends a method that is not idempotent once a server may have run it", async () => {
    const s = await server();
    s.failNext(paths.issue, { code: UNAVAILABLE }, 3);
    const error = await failure(client(definition({ endpoints: [s.url] })).issue());
    expect(error).toMatchObject({ status: "UNAVAILABLE", notProcessed: false });
    expect(s.count(paths.issue)).toBe(1);
  });

  it("sends a non-idempotent call to the next endpoint when the first refused the connection", async () => {
    const dead = await deadUrl();
    const s = await server("alive");
    const c = client(definition({ endpoints: [dead, s.url], policy: { loadBalancer: "failover" } }));
    let attempts: readonly { endpoint: string; outcome: unknown }[] = [];
    const issued = await c.raw.unary(g.auth.AuthService.method.issueToken, { subject: "u1" }, { onResponse: (r) => (attempts = r.attempts) });
    expect(issued.token).toBe("t-1");
    expect(s.count(paths.issue)).toBe(1);
    expect(attempts.map((a) => [a.endpoint, a.outcome])).toEqual([
      [dead, { kind: "connect" }],
      [s.url, { kind: "status", status: 0 }],
    ]);
  });

  it("does not retry codes grpc_retry_on does not name; does when it names them", async () => {
    const s = await server();
    s.failNext(paths.validate, { code: 8 }, 2);
    expect(await failure(client(definition({ endpoints: [s.url] })).validate())).toMatchObject({ status: "RESOURCE_EXHAUSTED" });
    expect(s.count(paths.validate)).toBe(1);
    const listed = client(definition({ endpoints: [s.url], grpcRetryOn: ["UNAVAILABLE", "RESOURCE_EXHAUSTED"] }));
    expect((await listed.validate()).valid).toBe(true);
    expect(s.count(paths.validate)).toBe(3);
  });

  it("caps attempts at min(max_attempts, 5)", async () => {
    const s = await server();
    s.failNext(paths.validate, { code: UNAVAILABLE }, 20);
    const many = await failure(client(definition({ endpoints: [s.url], policy: { retry: { maxAttempts: 8, budgetRatio: 1 } } })).validate());
    expect(many).toMatchObject({ status: "UNAVAILABLE" });
    expect(s.count(paths.validate)).toBe(5);
    await failure(client(definition({ endpoints: [s.url], policy: { retry: { maxAttempts: 2 } } })).validate());
    expect(s.count(paths.validate)).toBe(7);
  });

  it("honours grpc-retry-pushback-ms: its value is the pause", async () => {
    const s = await server();
    s.failNext(paths.validate, { code: UNAVAILABLE, metadata: { "grpc-retry-pushback-ms": "40" } });
    const events: ClientEvent[] = [];
    const info = await client(definition({ endpoints: [s.url] })).validate(VALID_TOKEN, { onEvent: (e) => events.push(e) });
    expect(info.valid).toBe(true);
    expect(s.count(paths.validate)).toBe(2);
    expect(events.filter((e) => e.type === "retry").map((e) => e.pauseMs)).toEqual([40]);
  });

  it("a negative grpc-retry-pushback-ms means: do not retry", async () => {
    const s = await server();
    s.failNext(paths.validate, { code: UNAVAILABLE, metadata: { "grpc-retry-pushback-ms": "-1" } }, 2);
    const error = await failure(client(definition({ endpoints: [s.url] })).validate());
    expect(error).toMatchObject({ status: "UNAVAILABLE", metadata: { "grpc-retry-pushback-ms": "-1" } });
    expect(s.count(paths.validate)).toBe(1);
  });

  it("retries a server stream until its first message", async () => {
    const s = await server();
    s.failNext(paths.listKeys, { code: UNAVAILABLE });
    const keys = await client(definition({ endpoints: [s.url] })).listKeys();
    expect(keys).toHaveLength(2);
    expect(s.count(paths.listKeys)).toBe(2);
  });

  it("sends a request stream again only if none of it was read: a refused connection, then another endpoint", async () => {
    const dead = await deadUrl();
    const s = await server();
    const requests = source([{ token: "t-1" }, { token: "t-2" }]);
    const summary = await client(definition({ endpoints: [dead, s.url], policy: { loadBalancer: "failover" } })).revoke(requests);
    expect(summary.revoked).toBe(2);
    expect(requests.read).toBe(2);
    expect(s.count(paths.revoke)).toBe(1);
  });
});

describe("timeouts", () => {
  it("an attempt timeout is sent as grpc-timeout and retried for an idempotent method", async () => {
    const s = await server();
    s.failNext(paths.validate, { stall: true });
    // Generous: the second attempt must answer within it on a loaded machine.
    const c = client(definition({ endpoints: [s.url], policy: { attemptTimeoutMs: 1_500, timeoutMs: 20_000 } }));
    const info = await c.validate();
    expect(info.valid).toBe(true);
    expect(s.count(paths.validate)).toBe(2);
    expect(s.seen[0]!.deadlineMs).toBeLessThanOrEqual(1_500);
    expect(s.seen[1]!.deadlineMs).toBeLessThanOrEqual(1_500);
    expect(s.cancelled(paths.validate)).toBe(1);
  });

  it("an attempt timeout is not retried for a method that is not idempotent", async () => {
    const s = await server();
    s.failNext(paths.issue, { stall: true });
    const error = await failure(client(definition({ endpoints: [s.url], policy: { attemptTimeoutMs: 200, timeoutMs: 10_000 } })).issue());
    expect(error).toMatchObject({ status: "DEADLINE_EXCEEDED" });
    expect(s.count(paths.issue)).toBe(1);
  });
});

describe("circuit breaker", () => {
  it("opens after consecutive failures and then sends nothing", async () => {
    const s = await server();
    s.failNext(paths.validate, { code: UNAVAILABLE }, 5);
    const c = client(
      definition({
        endpoints: [s.url],
        policy: { retry: { maxAttempts: 1 }, circuitBreaker: { enabled: true, mode: "consecutive", failureThreshold: 2, openMs: 60_000, halfOpenRequests: 1 } },
      }),
    );
    await failure(c.validate());
    await failure(c.validate());
    const error = await failure(c.validate());
    expect(g.runtime.isCircuitOpenError(error)).toBe(true);
    expect(error).toMatchObject({ notProcessed: true });
    expect(s.count(paths.validate)).toBe(2);
  });
});

describe("fail-over", () => {
  it("balances per call over one connection per endpoint, and moves to the other endpoint when one is killed", async () => {
    const a = await server("a");
    const b = await server("b");
    const c = client(definition({ endpoints: [a.url, b.url] }));
    for (let i = 0; i < 4; i++) expect((await c.validate()).valid).toBe(true);
    expect([a.count(paths.validate), b.count(paths.validate)]).toEqual([2, 2]);

    a.kill();
    for (let i = 0; i < 4; i++) expect((await c.validate()).valid).toBe(true);
    // Not idempotent either: a refused connection proves nothing was sent.
    for (let i = 0; i < 2; i++) expect((await c.issue()).token).toMatch(/^t-\d+$/);
    expect(a.count(paths.validate)).toBe(2);
    expect(a.count(paths.issue)).toBe(0);
    expect(b.count(paths.validate)).toBe(6);
    expect(b.count(paths.issue)).toBe(2);
  });
});

describe("connection age", () => {
  // Connection age runs on the client's clock: a virtual one ages connections without waiting.
  const clock = new VirtualClock();
  const aged = (def: GrpcServiceDefinition, maxConnectionAgeMs: number) => {
    const c = g.grpc.createGrpcServiceClient(def, { env: {}, maxConnectionAgeMs }, { clock });
    cleanup.push(() => c.close());
    return { validate: () => c.unary(g.auth.AuthService.method.validateToken, { token: VALID_TOKEN }) };
  };

  it("replaces a connection older than maxConnectionAgeMs, so one connection cannot pin every call", async () => {
    const s = await server();
    const capped = aged(definition({ endpoints: [s.url] }), 100);
    for (let i = 0; i < 3; i++) {
      await capped.validate();
      await clock.advance(250);
    }
    expect(new Set(s.seen.map((c) => c.peer)).size).toBe(3);
  });

  it("keeps one connection per endpoint without a cap", async () => {
    const s = await server();
    const uncapped = aged(definition({ endpoints: [s.url] }), 0);
    for (let i = 0; i < 3; i++) {
      await uncapped.validate();
      await clock.advance(250);
    }
    expect(new Set(s.seen.map((c) => c.peer)).size).toBe(1);
  });
});
