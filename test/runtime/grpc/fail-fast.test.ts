// Calls the gRPC client refuses without any I/O (open breakers, a closed client) must settle on a macrotask: a caller
// that retries in a tight loop (`while (...) { try { await op() } catch {} }`) must not starve the process's timers
// and sockets. The assertion is about order (the timer fired while the loop ran), never about how long anything took.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAuthGrpcServer, paths, VALID_TOKEN } from "../../support/servers/grpc-auth.js";
import { collect, failure, generateExample } from "./support.js";
import type { Generated } from "./support.js";
import type { GrpcServiceDefinition } from "../../../generated/runtime/grpc/index.js";

let g: Generated;
beforeAll(async () => {
  g = await generateExample("grpc-fail-fast");
});

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const UNAVAILABLE = 14;
const LOOP_MS = 300;

/** Runs `op` in a tight loop for LOOP_MS of wall time with a 10 ms timer pending; did the timer fire before it ended? */
async function timerFiresDuringLoop(op: () => Promise<unknown>): Promise<{ fired: boolean; failures: unknown[] }> {
  let fired = false;
  const timer = setTimeout(() => (fired = true), 10);
  const failures: unknown[] = [];
  const end = Date.now() + LOOP_MS;
  while (Date.now() < end) {
    try {
      await op();
    } catch (error) {
      if (failures.length < 3) failures.push(error);
    }
  }
  const firedBeforeEnd = fired; // read before anything else can run
  clearTimeout(timer);
  return { fired: firedBeforeEnd, failures };
}

/** A client on both endpoints whose breakers opened after UNAVAILABLE answers (one attempt per call). */
async function openBreakers() {
  const servers = [await startAuthGrpcServer("a"), await startAuthGrpcServer("b")];
  for (const s of servers) cleanup.push(() => s.close());
  const base = g.auth.authServiceGrpcDefinition as GrpcServiceDefinition;
  const def: GrpcServiceDefinition = {
    ...base,
    discovery: { ...base.discovery, kind: "static", endpoints: servers.map((s) => ({ scheme: "http" as const, host: "127.0.0.1", port: s.port })) },
    policy: {
      ...base.policy,
      retry: { ...base.policy.retry, maxAttempts: 1 },
      circuitBreaker: { enabled: true, mode: "consecutive", failureThreshold: 1, openMs: 60_000, halfOpenRequests: 1 },
    },
  };
  const c = g.grpc.createGrpcServiceClient(def, { env: {} });
  cleanup.push(() => c.close());
  const m = g.auth.AuthService.method;
  const validate = () => c.unary(m.validateToken, { token: VALID_TOKEN });
  for (const s of servers) s.failNext(paths.validate, { code: UNAVAILABLE }, 10);
  // Failures until nothing is sent any more: every breaker is open.
  for (let i = 0; i < 10; i++) {
    const error = await failure(validate());
    if (g.runtime.isCircuitOpenError(error)) break;
  }
  const sent = servers.map((s) => s.count(paths.validate));
  return { c, m, validate, servers, sent };
}

describe("fail-fast rejections settle on a macrotask", () => {
  it("unary calls refused by open breakers", async () => {
    const { validate, servers, sent } = await openBreakers();
    const { fired, failures } = await timerFiresDuringLoop(validate);
    expect(failures.length).toBeGreaterThan(0);
    for (const error of failures) expect(g.runtime.isCircuitOpenError(error)).toBe(true);
    expect(fired).toBe(true);
    expect(servers.map((s) => s.count(paths.validate))).toEqual(sent);
  });

  it("server streams refused by open breakers", async () => {
    const { c, m } = await openBreakers();
    const { fired, failures } = await timerFiresDuringLoop(() => collect(c.serverStream(m.listKeys, {})));
    expect(failures.length).toBeGreaterThan(0);
    for (const error of failures) expect(g.runtime.isCircuitOpenError(error)).toBe(true);
    expect(fired).toBe(true);
  });

  it("calls on a closed client", async () => {
    const c = g.grpc.createGrpcServiceClient(g.auth.authServiceGrpcDefinition as GrpcServiceDefinition, { env: {}, baseUrl: "http://127.0.0.1:1" });
    await c.close();
    const { fired, failures } = await timerFiresDuringLoop(() => c.unary(g.auth.AuthService.method.validateToken, { token: VALID_TOKEN }));
    expect(failures[0]).toMatchObject({ code: "SVCGEN_REQUEST" });
    expect(fired).toBe(true);
  });
});
