// Per-method overrides from services.toml (`operations."auth.v1.AuthService/<Method>"`), end to end: a project with
// the example's auth.proto and overrides is generated into test/.tmp, and its gRPC client calls a real @grpc/grpc-js
// server on 127.0.0.1. Assertions are about what the server saw (calls, the grpc-timeout it got) and how calls ended.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { generateInto } from "../../support/generated.js";
import { TMP } from "../../support/repo.js";
import { AUTH_PROTO, VALID_TOKEN, paths, startAuthGrpcServer } from "../../support/servers/grpc-auth.js";
import type { RunningGrpcServer } from "../../support/servers/grpc.js";
import { failure } from "./support.js";
import type { AuthModule } from "./support.js";

const UNAVAILABLE = 14;
const METHOD_TIMEOUT_MS = 1500;
/** The service's deadline: far above the method's, so a call that got it instead cannot pass for one that did not. */
const SERVICE_TIMEOUT_MS = 20_000;

const SERVICES_TOML = `[external_services.auth_service]
url = "http://auth-api:8080"
proto = "protos/auth.proto"
grpc_port = 8081
timeout_ms = ${SERVICE_TIMEOUT_MS}
retry = { max_attempts = 3, initial_backoff_ms = 1, max_backoff_ms = 5, jitter = "none" }

# NO_SIDE_EFFECTS in the .proto: made not idempotent, with its own deadline.
[external_services.auth_service.operations."auth.v1.AuthService/ValidateToken"]
idempotent = false
timeout_ms = ${METHOD_TIMEOUT_MS}

# Not idempotent in the .proto: made idempotent.
[external_services.auth_service.operations."auth.v1.AuthService/IssueToken"]
idempotent = true
`;

let auth: AuthModule;
beforeAll(async () => {
  const caseDir = path.join(TMP, "grpc-overrides-case");
  rmSync(caseDir, { recursive: true, force: true });
  mkdirSync(path.join(caseDir, "protos"), { recursive: true });
  writeFileSync(path.join(caseDir, "services.toml"), SERVICES_TOML);
  writeFileSync(path.join(caseDir, "protos", "auth.proto"), readFileSync(AUTH_PROTO, "utf8"));
  const out = path.join(TMP, "grpc-overrides");
  const result = await generateInto(caseDir, out);
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((d) => d.message).join("; "));
  auth = (await import(pathToFileURL(path.join(out, "clients/auth_service/index.ts")).href)) as AuthModule;
});

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(): Promise<{ s: RunningGrpcServer; c: ReturnType<AuthModule["createAuthServiceGrpcClient"]> }> {
  const s = await startAuthGrpcServer();
  cleanup.push(() => s.close());
  const c = auth.createAuthServiceGrpcClient({ baseUrl: s.url, env: {} });
  cleanup.push(() => c.close());
  return { s, c };
}

describe("timeout_ms of a method", () => {
  it("is the deadline sent as grpc-timeout, and a stalled call ends DEADLINE_EXCEEDED after one attempt", async () => {
    const { s, c } = await setup();
    // The connection is made first, so the stalled call's deadline is not spent connecting on a busy machine.
    await c.authService.issueToken({ subject: "warm-up" });
    const error = await failure(c.authService.validateToken({ token: "slow" }));
    expect(error).toMatchObject({ status: "DEADLINE_EXCEEDED", message: expect.stringContaining(`deadline of ${METHOD_TIMEOUT_MS} ms exceeded`) });
    expect(s.count(paths.validate)).toBe(1);
    const seen = s.seen.find((call) => call.path === paths.validate)!;
    expect(seen.deadlineMs).toBeGreaterThan(0);
    expect(seen.deadlineMs).toBeLessThanOrEqual(METHOD_TIMEOUT_MS);
  });

  it("gives way to a call's timeoutMs", async () => {
    const { s, c } = await setup();
    await c.authService.validateToken({ token: VALID_TOKEN }, { timeoutMs: SERVICE_TIMEOUT_MS });
    expect(s.seen[0]!.deadlineMs).toBeGreaterThan(METHOD_TIMEOUT_MS);
  });

  it("leaves the other methods with the service's timeout_ms", async () => {
    const { s, c } = await setup();
    await c.authService.issueToken({ subject: "u1" });
    expect(s.seen[0]!.deadlineMs).toBeGreaterThan(METHOD_TIMEOUT_MS);
    expect(s.seen[0]!.deadlineMs).toBeLessThanOrEqual(SERVICE_TIMEOUT_MS);
  });
});

describe("idempotent of a method", () => {
  it("true: a method the .proto leaves non-idempotent is retried after UNAVAILABLE", async () => {
    const { s, c } = await setup();
    s.failNext(paths.issue, { code: UNAVAILABLE, message: "warming up" });
    const issued = await c.authService.issueToken({ subject: "u1" });
    expect(issued.token).toBe("t-1");
    expect(s.count(paths.issue)).toBe(2);
  });

  it("false: a NO_SIDE_EFFECTS method is not retried after UNAVAILABLE", async () => {
    const { s, c } = await setup();
    s.failNext(paths.validate, { code: UNAVAILABLE }, 3);
    const error = await failure(c.authService.validateToken({ token: VALID_TOKEN }));
    expect(error).toMatchObject({ status: "UNAVAILABLE", notProcessed: false });
    expect(s.count(paths.validate)).toBe(1);
  });

  it("leaves a method services.toml does not name as the .proto says (ListKeys: NO_SIDE_EFFECTS, retried)", async () => {
    const { s, c } = await setup();
    s.failNext(paths.listKeys, { code: UNAVAILABLE });
    const keys = [];
    for await (const key of c.authService.listKeys({})) keys.push(key.kid);
    expect(keys).toEqual(["2024-01", "2024-02"]);
    expect(s.count(paths.listKeys)).toBe(2);
  });
});
