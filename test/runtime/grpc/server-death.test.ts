// A gRPC server that dies while a call is in flight, against real @grpc/grpc-js servers on 127.0.0.1: the call ends
// UNAVAILABLE (never CANCELLED: that is the caller's own abort), an idempotent method is sent again to the endpoint
// that is still up, and a method that is not idempotent is not (the dead server may have run it). Assertions are
// about what the servers saw and what the client reports, never about how long anything took.
import * as net from "node:net";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAuthGrpcServer, paths, VALID_TOKEN } from "../../support/servers/grpc-auth.js";
import type { RunningGrpcServer } from "../../support/servers/grpc.js";
import { failure, generateExample } from "./support.js";
import type { Generated } from "./support.js";
import type { GrpcServiceDefinition } from "../../../generated/runtime/grpc/index.js";
import type { PolicySettings } from "../../../generated/runtime/index.js";

let g: Generated;
beforeAll(async () => {
  g = await generateExample("grpc-server-death");
});

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function server(name: string): Promise<RunningGrpcServer> {
  const s = await startAuthGrpcServer(name);
  cleanup.push(() => s.close());
  return s;
}

/** A TCP relay in front of `target`, so a test can cut the connection the way a dying process or a reset does. */
interface Relay {
  readonly url: string;
  /** Every socket closes: FIN (the kernel closing a dead process's sockets) or RST (a reset connection). */
  cut(how: "fin" | "rst"): void;
}

async function relay(target: RunningGrpcServer): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((client) => {
    const upstream = net.connect(target.port, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
  cleanup.push(() => new Promise<void>((resolve) => tcp.close(() => resolve())));
  return {
    url: `http://127.0.0.1:${(tcp.address() as net.AddressInfo).port}`,
    cut(how) {
      for (const socket of sockets) {
        if (how === "rst") socket.resetAndDestroy();
        else socket.destroy();
      }
    },
  };
}

type Policy = Partial<Omit<PolicySettings, "retry">> & { retry?: Partial<PolicySettings["retry"]> };

/** The generated definition over static endpoints, with test-friendly pauses. */
function definition(endpoints: string[], policy: Policy = {}): GrpcServiceDefinition {
  const base = g.auth.authServiceGrpcDefinition as GrpcServiceDefinition;
  return {
    ...base,
    discovery: {
      ...base.discovery,
      kind: "static",
      endpoints: endpoints.map((u) => ({ scheme: "http" as const, host: new URL(u).hostname, port: Number(new URL(u).port) })),
    },
    policy: {
      ...base.policy,
      loadBalancer: "failover",
      ...policy,
      retry: { ...base.policy.retry, initialBackoffMs: 5, maxBackoffMs: 20, jitter: "none", ...policy.retry },
    },
  };
}

function client(def: GrpcServiceDefinition) {
  const c = g.grpc.createGrpcServiceClient(def, { env: {} });
  cleanup.push(() => c.close());
  const m = g.auth.AuthService.method;
  return {
    raw: c,
    validate: (o?: Parameters<typeof c.unary>[2]) => c.unary(m.validateToken, { token: VALID_TOKEN }, o),
    issue: (o?: Parameters<typeof c.unary>[2]) => c.unary(m.issueToken, { subject: "u1" }, o),
  };
}

/** Resolves once `s` has received a call of `path` (the call is then in flight on the server). */
async function arrived(s: RunningGrpcServer, path: string): Promise<void> {
  while (s.count(path) === 0) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe("a server that dies mid-call", () => {
  const deaths: [string, (s: RunningGrpcServer, r: Relay) => void][] = [
    ["forceShutdown (GOAWAY with an error code)", (s) => s.kill()],
    ["its sockets close (FIN, as when the process dies)", (_s, r) => r.cut("fin")],
    ["its connection is reset (RST)", (_s, r) => r.cut("rst")],
  ];

  it.each(deaths)("is UNAVAILABLE, not CANCELLED: %s", async (_name, die) => {
    const s = await server("dying");
    const r = await relay(s);
    s.failNext(paths.validate, { stall: true });
    const c = client(definition([r.url], { retry: { maxAttempts: 1 } }));
    const pending = failure(c.validate());
    await arrived(s, paths.validate);
    die(s, r);
    const error = await pending;
    expect(g.grpc.isGrpcError(error)).toBe(true);
    expect(error).toMatchObject({ status: "UNAVAILABLE", statusCode: 14, notProcessed: false });
    expect((error as { attempts: unknown[] }).attempts).toMatchObject([{ endpoint: r.url, outcome: { kind: "reset" } }]);
  });

  it("an idempotent method is sent again to the endpoint still up (grpc_retry_on's UNAVAILABLE), and succeeds", async () => {
    const a = await server("a");
    const b = await server("b");
    a.failNext(paths.validate, { stall: true });
    // Without "connect" in retry_on, only grpc_retry_on = ["UNAVAILABLE"] (the default) can send it again.
    const c = client(definition([a.url, b.url], { retry: { retryOnConnect: false } }));
    let attempts: readonly { endpoint: string; outcome: unknown }[] = [];
    const pending = c.validate({ onResponse: (res) => (attempts = res.attempts) });
    await arrived(a, paths.validate);
    a.kill();
    expect((await pending).valid).toBe(true);
    expect([a.count(paths.validate), b.count(paths.validate)]).toEqual([1, 1]);
    expect(attempts.map((x) => [x.endpoint, x.outcome])).toEqual([
      [a.url, { kind: "reset" }],
      [b.url, { kind: "status", status: 0 }],
    ]);
  });

  it("a method that is not idempotent fails UNAVAILABLE and is not sent again: the servers saw one call", async () => {
    const a = await server("a");
    const b = await server("b");
    a.failNext(paths.issue, { stall: true });
    const c = client(definition([a.url, b.url], { retry: { maxAttempts: 5, budgetRatio: 1 } }));
    const pending = failure(c.issue());
    await arrived(a, paths.issue);
    a.kill();
    const error = await pending;
    expect(error).toMatchObject({ status: "UNAVAILABLE", notProcessed: false });
    expect((error as { attempts: unknown[] }).attempts).toMatchObject([{ endpoint: a.url, outcome: { kind: "reset" }, retriable: false }]);
    expect(a.count(paths.issue) + b.count(paths.issue)).toBe(1);
  });

  it("the caller's own abort is still an abort (the runtime's CANCELLED), not retried", async () => {
    const a = await server("a");
    const b = await server("b");
    a.failNext(paths.validate, { stall: true });
    const c = client(definition([a.url, b.url]));
    const controller = new AbortController();
    const pending = failure(c.validate({ signal: controller.signal }));
    await arrived(a, paths.validate);
    controller.abort(new Error("caller gave up"));
    const error = await pending;
    expect(g.runtime.isAbortError(error)).toBe(true);
    expect(g.grpc.isGrpcError(error)).toBe(false);
    expect(error).toMatchObject({ code: "SVCGEN_ABORTED" });
    expect([a.count(paths.validate), b.count(paths.validate)]).toEqual([1, 0]);
  });

  it("close() during a call ends it CANCELLED, and the closed client sends nothing more", async () => {
    const a = await server("a");
    const b = await server("b");
    a.failNext(paths.validate, { stall: true });
    const c = client(definition([a.url, b.url]));
    const pending = failure(c.validate());
    await arrived(a, paths.validate);
    await c.raw.close();
    expect(await pending).toMatchObject({ status: "CANCELLED" });
    expect([a.count(paths.validate), b.count(paths.validate)]).toEqual([1, 0]);
  });
});
