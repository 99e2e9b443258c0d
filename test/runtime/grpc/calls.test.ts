// The generated gRPC client of the example (auth_service, examples/protos/auth.proto) against a real @grpc/grpc-js
// server on 127.0.0.1: the generated tree type-checks under strict settings, then every call shape, metadata both
// ways, deadlines, status codes and health, asserting what the server saw.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { typeCheck } from "../../support/tsc.js";
import { startAuthGrpcServer, paths, SIGNING_KEYS, SUBJECT, VALID_TOKEN, EXPIRES_AT_SECONDS, AUTH_SERVICE } from "../../support/servers/grpc-auth.js";
import type { RunningGrpcServer } from "../../support/servers/grpc.js";
import { collect, failure, generateExample, source } from "./support.js";
import type { Generated } from "./support.js";

let g: Generated;
beforeAll(async () => {
  g = await generateExample("grpc-calls");
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

function client(url: string, options: Parameters<Generated["auth"]["createAuthServiceGrpcClient"]>[0] = {}) {
  const c = g.auth.createAuthServiceGrpcClient({ baseUrl: url, env: {}, ...options });
  cleanup.push(() => c.close());
  return c;
}

describe("the generated example", () => {
  it("type-checks under strict, exactOptionalPropertyTypes and noUncheckedIndexedAccess", () => {
    const { code, output } = typeCheck(g.dir);
    expect(output).toBe("");
    expect(code).toBe(0);
  });

  it("keeps the HTTP client and adds the gRPC one to the same module and barrel", async () => {
    const barrel = (await import(new URL(`file://${g.dir}/clients/index.ts`).href)) as Record<string, unknown>;
    expect(typeof barrel.createAuthServiceClient).toBe("function");
    expect(typeof barrel.createAuthServiceGrpcClient).toBe("function");
    const both = g.auth.createAuthServiceClient({ baseUrl: "http://127.0.0.1:9", env: {} });
    cleanup.push(() => both.close());
    expect(typeof both.validateToken).toBe("function");
    expect(both.grpc.describe().endpoints).toEqual(["http://auth-api.default.svc.cluster.local:8081"]);
    expect(g.auth.authServiceGrpcDefinition.grpcRetryOn).toEqual(["UNAVAILABLE"]);
  });
});

describe("call shapes", () => {
  it("unary: sends the request and returns the typed response (64-bit as bigint, optional unset, map, timestamp)", async () => {
    const s = await server();
    const info = await client(s.url).authService.validateToken({ token: VALID_TOKEN, audience: "order-api", requiredScopes: ["orders:read"] });
    expect(info.valid).toBe(true);
    expect(info.subject).toBe(SUBJECT);
    expect(info.tenantId).toBeUndefined();
    expect(info.claims).toEqual({ tier: "gold" });
    expect(info.expiresAt?.seconds).toBe(BigInt(EXPIRES_AT_SECONDS));
    expect(s.seen).toHaveLength(1);
    expect(s.seen[0]).toMatchObject({ path: paths.validate, request: { token: VALID_TOKEN, audience: "order-api", required_scopes: ["orders:read"] } });
  });

  it("unary with an int64 field beyond 2^53 reaches the server exactly", async () => {
    const s = await server();
    const issued = await client(s.url).authService.issueToken({ subject: "u1", scopes: ["a"], ttlSeconds: 9_007_199_254_740_993n });
    expect(issued.token).toBe("t-1");
    expect((s.seen[0]!.request as { ttl_seconds: string }).ttl_seconds).toBe("9007199254740993");
    expect(issued.expiresAt?.seconds).toBe(BigInt(EXPIRES_AT_SECONDS) + 9_007_199_254_740_993n);
  });

  it("server streaming: an async iterable of every message, oneofs and enums typed", async () => {
    const s = await server();
    const keys = await collect(client(s.url).authService.listKeys({}));
    expect(keys.map((k) => k.kid)).toEqual(SIGNING_KEYS.map((k) => k.kid));
    expect(keys.map((k) => k.kty)).toEqual([g.auth.SigningKey_KeyType.RSA, g.auth.SigningKey_KeyType.EC]);
    expect(keys[0]!.material).toEqual({ case: "rsa", value: expect.objectContaining({ n: SIGNING_KEYS[0].rsa.n, e: "AQAB" }) });
    expect(keys[1]!.material.case).toBe("ec");
    expect(keys[1]!.notBefore).toBe(9_007_199_254_740_993n);
  });

  it("client streaming: reads the whole request stream and resolves to the one response", async () => {
    const s = await server();
    const requests = source([{ token: "t-1" }, { token: "nope" }, { token: "t-2", reason: "rotated" }]);
    const summary = await client(s.url).authService.revokeTokens(requests);
    expect(summary.revoked).toBe(2);
    expect(summary.unknown).toBe(1);
    expect(requests.read).toBe(3);
    expect((s.seen[0]!.request as unknown[]).map((m) => (m as { token: string }).token)).toEqual(["t-1", "nope", "t-2"]);
  });

  it("bidirectional streaming: one response per request, as they come", async () => {
    const s = await server();
    const replies = await collect(client(s.url).authService.refreshSessions(source([{ sessionId: "s1" }, { sessionId: "s2" }])));
    expect(replies.map((r) => r.sessionId)).toEqual(["s1", "s2"]);
    expect(replies.every((r) => r.expiresAt?.seconds === BigInt(EXPIRES_AT_SECONDS))).toBe(true);
    expect((s.seen[0]!.request as unknown[]).length).toBe(2);
  });

  it("a consumer that stops early cancels the stream, and the client keeps working", async () => {
    const s = await server();
    const c = client(s.url);
    for await (const key of c.authService.listKeys({})) {
      expect(key.kid).toBe(SIGNING_KEYS[0].kid);
      break;
    }
    expect((await c.authService.validateToken({ token: VALID_TOKEN })).valid).toBe(true);
  });
});

describe("metadata", () => {
  it("sends client and call metadata (call wins) and hands back response headers and trailers", async () => {
    const s = await server("meta");
    const c = client(s.url, { headers: { Authorization: "Bearer client", "X-Tenant": "t1" } });
    const seen: { headers: Record<string, string>; trailers: Record<string, string>; endpoint: string }[] = [];
    await c.authService.validateToken(
      { token: VALID_TOKEN },
      { headers: { authorization: "Bearer call", "x-request-id": "req-7" }, onResponse: (info) => seen.push(info) },
    );
    expect(s.seen[0]!.metadata).toEqual({ authorization: "Bearer call", "x-tenant": "t1", "x-request-id": "req-7" });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers).toEqual({ "x-request-id": "req-7", "x-served-by": "meta" });
    expect(seen[0]!.trailers).toEqual({ "x-request-id": "req-7" });
    expect(seen[0]!.endpoint).toBe(s.url);
  });
});

describe("status codes", () => {
  it("a non-OK status is a GrpcError with its name, code, message and metadata, and is not retried", async () => {
    const s = await server("codes");
    const error = await failure(client(s.url).authService.validateToken({ token: "bad" }, { headers: { "x-request-id": "r9" } }));
    expect(g.grpc.isGrpcError(error)).toBe(true);
    expect(g.runtime.isSvcgenError(error)).toBe(true);
    if (!g.grpc.isGrpcError(error)) throw error;
    expect(error.status).toBe("UNAUTHENTICATED");
    expect(error.statusCode).toBe(16);
    expect(error.grpcMessage).toBe("token_invalid");
    // Headers and trailers together: the server echoed x-request-id in both.
    expect(error.metadata).toEqual({ "x-reason": "token_invalid", "x-request-id": "r9, r9", "x-served-by": "codes" });
    expect(error.code).toBe("SVCGEN_GRPC");
    expect(error.operation).toBe(`${AUTH_SERVICE}/ValidateToken`);
    expect(error.attempts.map((a) => a.outcome)).toEqual([{ kind: "status", status: 16 }]);
    expect(s.count(paths.validate)).toBe(1);
  });

  it.each([
    ["NOT_FOUND", 5],
    ["PERMISSION_DENIED", 7],
    ["INTERNAL", 13],
    ["UNIMPLEMENTED", 12],
  ] as const)("%s from the server arrives as GrpcError %s", async (name, code) => {
    const s = await server();
    s.failNext(paths.validate, { code, message: `scripted ${name}` });
    const error = await failure(client(s.url).authService.validateToken({ token: VALID_TOKEN }));
    expect(error).toMatchObject({ status: name, statusCode: code, grpcMessage: `scripted ${name}` });
  });

  it("a refused connection is UNAVAILABLE and provably not processed", async () => {
    const s = await server();
    s.kill();
    const error = await failure(client(s.url).authService.issueToken({ subject: "x" }));
    expect(error).toMatchObject({ status: "UNAVAILABLE", notProcessed: true });
  });
});

describe("deadlines", () => {
  it("sends what is left of the deadline as grpc-timeout", async () => {
    const s = await server();
    await client(s.url).authService.validateToken({ token: VALID_TOKEN }, { timeoutMs: 4_000 });
    const deadline = s.seen[0]!.deadlineMs;
    expect(deadline).toBeGreaterThan(0);
    expect(deadline).toBeLessThanOrEqual(4_000);
  });

  it("sends the service's timeout_ms when the call sets none", async () => {
    const s = await server();
    await client(s.url).authService.validateToken({ token: VALID_TOKEN });
    expect(s.seen[0]!.deadlineMs).toBeLessThanOrEqual(g.auth.authServiceGrpcDefinition.policy.timeoutMs);
    expect(Number.isFinite(s.seen[0]!.deadlineMs)).toBe(true);
  });

  it("a spent deadline ends the call with DEADLINE_EXCEEDED after one attempt", async () => {
    const s = await server();
    const error = await failure(client(s.url).authService.validateToken({ token: "slow" }, { timeoutMs: 150 }));
    expect(error).toMatchObject({ status: "DEADLINE_EXCEEDED" });
    expect(s.count(paths.validate)).toBe(1);
    expect(s.seen[0]!.deadlineMs).toBeLessThanOrEqual(150);
  });

  it("timeoutMs 0 sends nothing", async () => {
    const s = await server();
    const error = await failure(client(s.url).authService.validateToken({ token: VALID_TOKEN }, { timeoutMs: 0 }));
    expect(error).toMatchObject({ status: "DEADLINE_EXCEEDED", notProcessed: true });
    expect(s.seen).toHaveLength(0);
  });

  it("the caller's signal aborts a call in flight with an AbortError", async () => {
    const s = await server();
    const controller = new AbortController();
    const pending = client(s.url).authService.validateToken({ token: "slow" }, { signal: controller.signal });
    const arrived = setInterval(() => {
      if (s.seen.length > 0) {
        clearInterval(arrived);
        controller.abort(new Error("caller gave up"));
      }
    }, 5);
    const error = await failure(pending);
    clearInterval(arrived);
    expect(g.runtime.isAbortError(error)).toBe(true);
    expect(s.count(paths.validate)).toBe(1);
  });
});

describe("health", () => {
  it("asks grpc.health.v1 for the server and for a service", async () => {
    const s = await server();
    const c = client(s.url);
    expect(await c.health()).toBe("SERVING");
    expect(await c.health(AUTH_SERVICE)).toBe("SERVING");
    s.setHealth(AUTH_SERVICE, "NOT_SERVING");
    expect(await c.health(AUTH_SERVICE)).toBe("NOT_SERVING");
  });

  it("an unknown service is NOT_FOUND", async () => {
    const s = await server();
    const error = await failure(client(s.url).health("no.such.Service"));
    expect(error).toMatchObject({ status: "NOT_FOUND" });
  });
});

describe("the combined client", () => {
  it("creates the gRPC client on first use, with the HTTP options' environment and headers", async () => {
    const s = await server();
    const both = g.auth.createAuthServiceClient({ env: { AUTH_SERVICE_GRPC_URL: s.url }, headers: { authorization: "Bearer shared" } });
    cleanup.push(() => both.close());
    expect(both.grpc).toBe(both.grpc);
    expect(both.grpc.describe()).toMatchObject({ source: "env:AUTH_SERVICE_GRPC_URL", endpoints: [s.url], retryOn: ["UNAVAILABLE"] });
    await both.grpc.authService.validateToken({ token: VALID_TOKEN });
    expect(s.seen[0]!.metadata.authorization).toBe("Bearer shared");
  });
});
