// Faults over real sockets on 127.0.0.1, asserting what the servers saw. The invariant checked throughout: a POST
// without an idempotency key is never sent twice.
import { afterEach, describe, expect, it } from "vitest";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { Agent } from "undici";
import { createServiceClient, createServiceClientWith, isCircuitOpenError, isConnectError, isHttpError, isResetError, isTimeoutError } from "../../src/runtime/index.js";
import type { AttemptRecord, ClientOptions, ServiceClient, SvcgenError } from "../../src/runtime/index.js";
import { deadPort, json, startServer } from "./support/http.js";
import type { TestServer } from "./support/http.js";
import { op, service } from "./support/service.js";
import { VirtualClock } from "./support/virtual-clock.js";
import type { ServiceOverrides } from "./support/service.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

const get = op("get", "GET", "/r");
const post = op("create", "POST", "/r", { body: { kind: "json", contentType: "application/json" } });
const fast = { retry: { maxAttempts: 3, initialBackoffMs: 5, maxBackoffMs: 20, jitter: "none" as const } };

function client(origin: string, o: ServiceOverrides = fast, options: ClientOptions = {}): ServiceClient {
  const c = createServiceClient(service(origin, o), { env: {}, ...options });
  cleanup.push(() => c.close());
  return c;
}
async function server(respond: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(respond);
  cleanup.push(() => s.close());
  return s;
}
const fail = (p: Promise<unknown>): Promise<SvcgenError> => p.then(() => Promise.reject(new Error("expected a failure")), (e: unknown) => e as SvcgenError);

/** A raw TCP server that counts connections and does `onSocket` with each. */
async function tcpServer(onSocket: (s: net.Socket) => void): Promise<{ origin: string; connections: () => number }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    connections++;
    sockets.add(s);
    s.on("error", () => {});
    onSocket(s);
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  cleanup.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => srv.close(r));
  });
  return { origin: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, connections: () => connections };
}

describe("connection refused", () => {
  it("retries every call, a POST without a key too (nothing reached a server); both prove nothing was processed", async () => {
    const origin = `http://127.0.0.1:${await deadPort()}`;
    const c = client(origin);
    const e1 = await fail(c.call(get, undefined));
    expect(isConnectError(e1)).toBe(true);
    expect(e1.attempts.map((a) => a.outcome.kind)).toEqual(["connect", "connect", "connect"]);
    expect(e1.notProcessed).toBe(true);
    // A fresh client: six refusals in a row would open the first one's breaker (tested below).
    const e2 = await fail(client(origin).call(post, { body: {} }));
    expect(isConnectError(e2)).toBe(true);
    expect(e2.attempts.map((a) => a.outcome.kind)).toEqual(["connect", "connect", "connect"]);
    expect(e2.notProcessed).toBe(true);
  });
});

describe("connection reset", () => {
  it("before the request was read: a POST without a key goes out once unless nothing was written, a GET is retried", async () => {
    const tcp = await tcpServer((s) => s.resetAndDestroy());
    const c = client(tcp.origin);
    const e1 = await fail(c.call(post, { body: { a: 1 } }));
    expect(["SVCGEN_RESET", "SVCGEN_CONNECT"]).toContain(e1.code);
    // A reset after undici handed the request to the socket may follow a processed request: once. A connect failure
    // proves nothing was written: re-sent like any call.
    expect(tcp.connections()).toBe(e1.code === "SVCGEN_CONNECT" ? 3 : 1);
    expect(e1.attempts.every((a) => a.outcome.kind === "connect")).toBe(e1.code === "SVCGEN_CONNECT");
    const before = tcp.connections();
    const e2 = await fail(client(tcp.origin).call(get, undefined));
    expect(["SVCGEN_RESET", "SVCGEN_CONNECT"]).toContain(e2.code);
    expect(tcp.connections() - before).toBe(3);
  });

  it("after the request was written: never re-sent without a key, re-sent with one, and reported as maybe processed", async () => {
    const s = await server((_req, _res, raw) => void raw.socket.resetAndDestroy());
    // Breaker off: seven resets in a row would open it (that is tested below) and stop the last retries.
    const c = client(s.origin, { ...fast, policy: { circuitBreaker: { enabled: false } } });
    const e1 = await fail(c.call(post, { body: { a: 1 } }));
    expect(isResetError(e1)).toBe(true);
    expect(e1.notProcessed).toBe(false);
    expect(s.counts()).toEqual({ POST: 1 });
    await fail(c.call(post, { body: { a: 1 } }, { idempotencyKey: "k-9" }));
    expect(s.counts()).toEqual({ POST: 4 });
    expect(s.requests.slice(1).map((r) => r.headers["idempotency-key"])).toEqual(["k-9", "k-9", "k-9"]);
    await fail(c.call(get, undefined));
    expect(s.counts()).toEqual({ POST: 4, GET: 3 });
  });

  it("under failover rules a reset is returned as it is, even for an idempotent call", async () => {
    const s = await server((_req, _res, raw) => void raw.socket.resetAndDestroy());
    const other = await server((_req, res) => json(res, 200, {}));
    const c = client(s.origin, {
      ...fast,
      endpoints: [new URL(s.origin), new URL(other.origin)].map((u) => ({ scheme: "http" as const, host: u.hostname, port: Number(u.port) })),
      policy: { loadBalancer: "failover" },
    });
    const err = await fail(c.call(get, undefined));
    expect(isResetError(err)).toBe(true);
    expect(s.counts()).toEqual({ GET: 1 });
    expect(other.requests).toHaveLength(0);
  });
});

describe("slow servers", () => {
  it("a stall past the attempt timeout is a timeout, retried for GET, not for POST", async () => {
    const s = await server(() => {}); // reads the request, never answers
    const c = client(s.origin, { ...fast, policy: { attemptTimeoutMs: 100 } });
    const e1 = await fail(c.call(get, undefined));
    expect(isTimeoutError(e1)).toBe(true);
    expect(e1.attempts.map((a) => a.outcome.kind)).toEqual(["timeout", "timeout", "timeout"]);
    expect(e1.notProcessed).toBe(false);
    const e2 = await fail(c.call(post, { body: {} }));
    expect(isTimeoutError(e2)).toBe(true);
    expect(s.counts()).toEqual({ GET: 3, POST: 1 });
  });

  it("slow headers: the attempt timeout decides, and undici's own header timeout never does", async () => {
    const s = await server((_req, res) => void setTimeout(() => json(res, 200, { late: true }), 300));
    const slow = client(s.origin, { retry: { maxAttempts: 1 }, policy: { attemptTimeoutMs: 100 } });
    expect(isTimeoutError(await fail(slow.call(get, undefined)))).toBe(true);
    // A dispatcher whose own headersTimeout (50 ms) is far below the answer time: the runtime overrides it per request.
    const agent = new Agent({ headersTimeout: 50, bodyTimeout: 50 });
    cleanup.push(() => agent.close());
    const patient = client(s.origin, { retry: { maxAttempts: 1 } }, { dispatcher: agent });
    expect(await patient.call(get, undefined)).toEqual({ late: true });
  });

  it("slow body: a body that stops is cut by the attempt timeout; a slow but moving body completes", async () => {
    const s = await server((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"a":');
      if (req.url === "/r?stop=1") return; // never finishes
      setTimeout(() => res.end("1}"), 200);
    });
    const c = client(s.origin, { retry: { maxAttempts: 2 }, policy: { attemptTimeoutMs: 100 } });
    const err = await fail(c.call(get, { query: { stop: 1 } }));
    expect(isTimeoutError(err)).toBe(true);
    expect(s.counts()).toEqual({ GET: 2 });
    const agent = new Agent({ headersTimeout: 50, bodyTimeout: 50 });
    cleanup.push(() => agent.close());
    const patient = client(s.origin, { retry: { maxAttempts: 1 } }, { dispatcher: agent });
    expect(await patient.call(get, undefined)).toEqual({ a: 1 });
  });
});

describe("503 bursts", () => {
  it("without Retry-After: backoff pauses, then success; a POST without a key is sent once", async () => {
    let n = 0;
    const s = await server((req, res) => (req.method === "POST" || n++ < 2 ? json(res, 503, { busy: true }) : json(res, 200, { ok: true })));
    const c = client(s.origin);
    let attempts: readonly AttemptRecord[] = [];
    expect(await c.call(get, undefined, { onResponse: (i) => (attempts = i.attempts) })).toEqual({ ok: true });
    expect(attempts.map((a) => [a.outcome, a.pauseMs])).toEqual([
      [{ kind: "status", status: 503 }, 5],
      [{ kind: "status", status: 503 }, 10],
      [{ kind: "status", status: 200 }, 0],
    ]);
    const err = await fail(c.call(post, { body: {} }));
    expect(isHttpError(err) && err.status).toBe(503);
    expect(isHttpError(err) && err.body).toEqual({ busy: true });
    expect(s.counts()).toEqual({ GET: 3, POST: 1 });
  });

  it("with Retry-After: the server's pause replaces the backoff", async () => {
    let n = 0;
    const s = await server((_req, res) => {
      n++;
      if (n === 1) return json(res, 503, {}, { "retry-after": "1" });
      if (n === 2) return json(res, 503, {}, { "retry-after-ms": "30" });
      json(res, 200, { ok: true });
    });
    const c = client(s.origin);
    let attempts: readonly AttemptRecord[] = [];
    await c.call(get, undefined, { onResponse: (i) => (attempts = i.attempts) });
    expect(attempts.map((a) => a.pauseMs)).toEqual([1000, 30, 0]);
    expect(s.counts()).toEqual({ GET: 3 });
  });

  it("a Retry-After beyond the deadline ends the call instead of waiting", async () => {
    const s = await server((_req, res) => json(res, 503, {}, { "retry-after": "120" }));
    const c = client(s.origin, { ...fast, policy: { timeoutMs: 5_000 } });
    const err = await fail(c.call(get, undefined));
    expect(isHttpError(err) && err.status).toBe(503);
    expect(s.counts()).toEqual({ GET: 1 });
  });
});

describe("a server that dies mid-test", () => {
  it("fails fast once it is gone, opens the breaker (sending nothing), and recovers when it returns", async () => {
    let s = await startServer((_req, res) => json(res, 200, { up: 1 }));
    const port = s.port;
    // The breaker's openMs runs on a virtual clock: the test moves time instead of waiting for it.
    const clock = new VirtualClock();
    const c = createServiceClientWith(
      service(s.origin, { retry: { maxAttempts: 1 }, policy: { circuitBreaker: { enabled: true, mode: "consecutive", failureThreshold: 3, openMs: 200, halfOpenRequests: 1 } } }),
      { env: {} },
      { clock },
    );
    cleanup.push(() => c.close());
    expect(await c.call(get, undefined)).toEqual({ up: 1 });
    await s.close();
    const errors: SvcgenError[] = [];
    for (let i = 0; i < 3; i++) errors.push(await fail(c.call(get, undefined)));
    expect(errors.every((e) => isConnectError(e) || isResetError(e))).toBe(true);
    const open = await fail(c.call(get, undefined));
    expect(isCircuitOpenError(open)).toBe(true);
    expect(open.attempts).toEqual([]);
    // Back on the same port; after openMs one probe goes through and closes the breaker.
    s = await startServer((_req, res) => json(res, 200, { up: 2 }), port);
    cleanup.push(() => s.close());
    expect(s.requests).toHaveLength(0); // the open breaker sent nothing meanwhile
    await clock.advance(250);
    expect(await c.call(get, undefined)).toEqual({ up: 2 });
    expect(await c.call(get, undefined)).toEqual({ up: 2 });
    expect(s.counts()).toEqual({ GET: 2 });
  });
});
