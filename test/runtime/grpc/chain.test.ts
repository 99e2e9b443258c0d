// The gRPC client on the shared chain pieces: the service breaker hears each call once, outside the retries (as the
// HTTP circuit layer), so a call that succeeded on its third attempt is a success, not two failures.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAuthGrpcServer, paths, VALID_TOKEN } from "../../support/servers/grpc-auth.js";
import { failure, generateExample } from "./support.js";
import type { Generated } from "./support.js";
import type { GrpcServiceDefinition } from "../../../generated/runtime/grpc/index.js";

let g: Generated;
beforeAll(async () => {
  g = await generateExample("grpc-chain");
});

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const UNAVAILABLE = 14;

describe("gRPC service breaker: one verdict per call, outside the retries", () => {
  it("a call that failed three attempts is one failure: with a threshold of 3 the next call is still sent", async () => {
    const a = await startAuthGrpcServer("a");
    const b = await startAuthGrpcServer("b");
    cleanup.push(() => a.close(), () => b.close());
    const base = g.auth.authServiceGrpcDefinition as GrpcServiceDefinition;
    const endpoints = [a, b].map((s) => ({ scheme: "http" as const, host: "127.0.0.1", port: s.port }));
    const def: GrpcServiceDefinition = {
      ...base,
      discovery: { ...base.discovery, kind: "static", endpoints },
      policy: {
        ...base.policy,
        loadBalancer: "round_robin",
        retry: { ...base.policy.retry, maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 1, jitter: "none" },
        circuitBreaker: { enabled: true, mode: "consecutive", failureThreshold: 3, openMs: 60_000, halfOpenRequests: 1 },
      },
    };
    const c = g.grpc.createGrpcServiceClient(def, { env: {} });
    cleanup.push(() => c.close());
    const validate = () => c.unary(g.auth.AuthService.method.validateToken, { token: VALID_TOKEN });
    for (const s of [a, b]) s.failNext(paths.validate, { code: UNAVAILABLE }, 10);
    const sent = () => a.count(paths.validate) + b.count(paths.validate);
    expect(await failure(validate())).toMatchObject({ status: "UNAVAILABLE" });
    expect(sent()).toBe(3);
    // Counted per attempt, three UNAVAILABLE answers would have opened the service breaker here.
    expect(await failure(validate())).toMatchObject({ status: "UNAVAILABLE" });
    expect(sent()).toBeGreaterThan(3);
  });
});

describe("gRPC retry budget, as HTTP's", () => {
  it("re-sends after a refused connection are not charged: 300 calls across a dead and a live endpoint all succeed", async () => {
    const live = await startAuthGrpcServer("live");
    const dead = await startAuthGrpcServer("dead");
    dead.kill();
    cleanup.push(() => live.close());
    const base = g.auth.authServiceGrpcDefinition as GrpcServiceDefinition;
    const endpoints = [dead, live].map((s) => ({ scheme: "http" as const, host: "127.0.0.1", port: s.port }));
    const def: GrpcServiceDefinition = {
      ...base,
      discovery: { ...base.discovery, kind: "static", endpoints },
      policy: {
        ...base.policy,
        loadBalancer: "round_robin",
        // Breakers off, so the dead endpoint keeps being picked; ratio 0 leaves only the floor of 100 retries.
        circuitBreaker: { enabled: false },
        retry: { ...base.policy.retry, maxAttempts: 2, budgetRatio: 0, initialBackoffMs: 1, maxBackoffMs: 1, jitter: "none" },
      },
    };
    const c = g.grpc.createGrpcServiceClient(def, { env: {} });
    cleanup.push(() => c.close());
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      await c.unary(g.auth.AuthService.method.validateToken, { token: VALID_TOKEN }, { onResponse: (r) => void (refused += r.attempts.length - 1) });
    }
    expect(live.count(paths.validate)).toBe(300);
    expect(refused).toBeGreaterThan(100);
  });
});

describe("gRPC streams on the chain: committed at the first message, judged when they end", () => {
  it("a bidi stream that breaks after its first reply is a failure for the service breaker (threshold 1: the next call is refused by it)", async () => {
    const s = await startAuthGrpcServer("s");
    cleanup.push(() => s.close());
    const base = g.auth.authServiceGrpcDefinition as GrpcServiceDefinition;
    const def: GrpcServiceDefinition = {
      ...base,
      discovery: { ...base.discovery, kind: "static", endpoints: [{ scheme: "http" as const, host: "127.0.0.1", port: s.port }] },
      policy: { ...base.policy, circuitBreaker: { enabled: true, mode: "consecutive", failureThreshold: 1, openMs: 60_000, halfOpenRequests: 1 } },
    };
    const c = g.grpc.createGrpcServiceClient(def, { env: {} });
    cleanup.push(() => c.close());
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    async function* requests(): AsyncGenerator<{ sessionId: string }> {
      yield { sessionId: "s1" };
      await held;
    }
    const replies: string[] = [];
    const read = async (): Promise<void> => {
      for await (const reply of c.bidiStream(g.auth.AuthService.method.refreshSessions, requests())) {
        replies.push(reply.sessionId);
        s.kill();
      }
    };
    const error = await failure(read());
    release();
    expect(replies).toEqual(["s1"]);
    expect(error).toMatchObject({ status: "UNAVAILABLE" });
    // Judged at its commit the stream would have been a success; judged when it ended, it opened the breaker.
    const next = await failure(c.unary(g.auth.AuthService.method.validateToken, { token: VALID_TOKEN }));
    expect(g.runtime.isCircuitOpenError(next)).toBe(true);
    expect(next).toMatchObject({ scope: "service" });
  });
});
