// The public middleware hook on the HTTP client, against real node:http servers: once per attempt, innermost before
// the transport; what it returns or throws is the attempt's outcome.
import { afterEach, describe, expect, it } from "vitest";
import { ConnectError, createServiceClient, isHttpError } from "../../src/runtime/index.js";
import type { AttemptRequest, Middleware, ServiceClient } from "../../src/runtime/index.js";
import { deadPort, json, startServer } from "./support/http.js";
import type { TestServer } from "./support/http.js";
import { op, service } from "./support/service.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function server(statuses: number[]): Promise<TestServer> {
  let n = 0;
  const s = await startServer((_req, res) => json(res, statuses[Math.min(n++, statuses.length - 1)]!, { n }));
  cleanup.push(() => s.close());
  return s;
}

function client(origin: string | readonly string[], middleware: Middleware[], retry = {}): ServiceClient {
  const origins = typeof origin === "string" ? [origin] : origin;
  const endpoints = origins.map((o) => ({ scheme: "http" as const, host: "127.0.0.1", port: Number(new URL(o).port) }));
  const def = service(origins[0]!, {
    ...(origins.length > 1 ? { endpoints } : {}),
    retry: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 1, jitter: "none", ...retry },
    policy: { circuitBreaker: { enabled: false } },
  });
  const c = createServiceClient(def, { env: {}, middleware });
  cleanup.push(() => c.close());
  return c;
}

const get = op("getUser", "GET", "/users/1");
const attemptHeader: Middleware = (next) => (req) => {
  req.headers["x-attempt"] = String(req.attempt);
  return next(req);
};

describe("HTTP middleware", () => {
  it("sets a header the server sees on every attempt of a retried call", async () => {
    const s = await server([503, 503, 200]);
    const seen: AttemptRequest[] = [];
    const spy: Middleware = (next) => (req) => {
      seen.push({ ...req, headers: { ...req.headers } });
      return next(req);
    };
    await client(s.origin, [spy, attemptHeader]).call(get, undefined);
    expect(s.requests.map((r) => r.headers["x-attempt"])).toEqual(["1", "2", "3"]);
    // The outer middleware ran first: it saw the headers before the inner one set x-attempt.
    expect(seen.map((r) => [r.attempt, r.protocol, r.operation, r.method, r.path, r.endpoint, r.headers["x-attempt"]])).toEqual([
      [1, "http", "getUser", "GET", "/users/1", s.origin, undefined],
      [2, "http", "getUser", "GET", "/users/1", s.origin, undefined],
      [3, "http", "getUser", "GET", "/users/1", s.origin, undefined],
    ]);
  });

  it("a 200 turned into a 503 is retried", async () => {
    const s = await server([200]);
    let turned = 0;
    const flaky: Middleware = (next) => async (req) => {
      const res = await next(req);
      return turned++ === 0 ? { ...res, status: 503 } : res;
    };
    const body = await client(s.origin, [flaky]).call<{ n: number }>(get, undefined);
    expect(body).toEqual({ n: 2 });
    expect(s.requests).toHaveLength(2);
  });

  it("sees the status the server answered, and the response headers", async () => {
    const s = await server([503, 201]);
    const statuses: unknown[] = [];
    const watch: Middleware = (next) => async (req) => {
      const res = await next(req);
      statuses.push([res.status, res.headers["content-type"]]);
      return res;
    };
    await client(s.origin, [watch]).call(get, undefined);
    expect(statuses).toEqual([
      [503, "application/json"],
      [201, "application/json"],
    ]);
    expect(s.requests).toHaveLength(2);
  });

  it("a thrown error ends the call with that error, not retried", async () => {
    const s = await server([200]);
    const boom = new Error("signing key unavailable");
    const err = await client(s.origin, [attemptHeader, () => () => Promise.reject(boom)]).call(get, undefined).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBe(boom);
    expect(s.requests).toHaveLength(0);
  });

  it("svcgen's ConnectError (nothing sent) is retried on another endpoint", async () => {
    const a = await server([200]);
    const b = await server([200]);
    const dead = `http://127.0.0.1:${await deadPort()}`;
    const refuseFirst: Middleware = (next) => (req) => (req.attempt === 1 ? Promise.reject(new ConnectError({ endpoint: req.endpoint })) : next(req));
    const c = client([a.origin, b.origin, dead], [refuseFirst, attemptHeader]);
    await c.call(get, undefined);
    expect([...a.requests, ...b.requests].map((r) => r.headers["x-attempt"])).toEqual(["2"]);
  });

  it("a non-idempotent call answered 503 is sent once, with the header", async () => {
    const s = await server([503]);
    const err = await client(s.origin, [attemptHeader]).call(op("createUser", "POST", "/users"), undefined).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isHttpError(err) && err.status).toBe(503);
    expect(s.requests.map((r) => [r.method, r.headers["x-attempt"]])).toEqual([["POST", "1"]]);
  });
});
