// A breaker must never shed a healthy service (issue 10): the ejection cap, panic routing, timeouts that are not an
// endpoint's fault, the service breaker's per-call evidence, re-sends of calls that reached no server, and fail-fast
// rejections that leave the event loop alone. Real servers on 127.0.0.1; assertions on what the servers saw.
import { afterEach, describe, expect, it } from "vitest";
import { createServiceClient, isCircuitOpenError, isConnectError } from "../../src/runtime/index.js";
import type { ClientEvent, ClientOptions, ServiceClient, SvcgenError } from "../../src/runtime/index.js";
import { deadPort, json, startServer } from "./support/http.js";
import type { Responder, TestServer } from "./support/http.js";
import { op, service } from "./support/service.js";
import type { ServiceOverrides } from "./support/service.js";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const get = op("get", "GET", "/r");
const slow = op("slow", "GET", "/slow");
const post = op("create", "POST", "/r", { body: { kind: "json", contentType: "application/json" } });
const fastRetry = { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 2, jitter: "none" as const };

async function server(respond: Responder): Promise<TestServer> {
  const s = await startServer(respond);
  cleanup.push(() => s.close());
  return s;
}
const ok: Responder = (_req, res) => json(res, 200, { ok: true });
const unavailable: Responder = (_req, res) => json(res, 503, { down: true });

function client(origins: readonly string[], o: ServiceOverrides, options: ClientOptions = {}): { c: ServiceClient; events: ClientEvent[] } {
  const events: ClientEvent[] = [];
  const endpoints = origins.map((origin) => {
    const u = new URL(origin);
    return { scheme: "http" as const, host: u.hostname, port: Number(u.port) };
  });
  const c = createServiceClient(service(origins[0]!, { ...o, endpoints }), { env: {}, onEvent: (e) => events.push(e), ...options });
  cleanup.push(() => c.close());
  return { c, events };
}
const settle = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);
const opened = (events: readonly ClientEvent[], scope: "endpoint" | "service"): string[] =>
  events.filter((e) => e.type === "breaker" && e["scope"] === scope && e["to"] === "open").map((e) => String(e["endpoint"] ?? "service"));

describe("the ejection cap (circuit_breaker.max_ejection_percent, default 50)", () => {
  it("two of three endpoints answering 503: only one is ejected, every call still succeeds on the healthy one", async () => {
    const a = await server(unavailable);
    const b = await server(unavailable);
    const h = await server(ok);
    const { c, events } = client([a.origin, b.origin, h.origin], { retry: { ...fastRetry, budgetRatio: 1 } });
    const results = await Promise.all(Array.from({ length: 120 }, () => settle(c.call(get, undefined))));
    expect(results.filter((r) => r !== undefined)).toEqual([]);
    // One breaker opened (the cap of three at 50 % is one endpoint); the other 503 endpoint stayed in rotation.
    expect(opened(events, "endpoint")).toHaveLength(1);
    const ejected = opened(events, "endpoint")[0]!;
    const kept = [a, b].find((s) => s.origin !== ejected)!;
    const before = kept.requests.length;
    await Promise.all(Array.from({ length: 30 }, () => c.call(get, undefined)));
    expect(kept.requests.length).toBeGreaterThan(before);
    expect(opened(events, "service")).toEqual([]);
  });

  it("max_ejection_percent = 100 lets every endpoint be ejected; the calls are then routed past the breakers (panic), and the service breaker decides", async () => {
    const a = await server(unavailable);
    const b = await server(unavailable);
    const breaker = { enabled: true as const, mode: "consecutive" as const, failureThreshold: 3, openMs: 60_000, halfOpenRequests: 1, maxEjectionPercent: 100 };
    const { c, events } = client([a.origin, b.origin], { policy: { circuitBreaker: breaker }, retry: { ...fastRetry, budgetRatio: 1 } });
    // Two calls, three attempts each, alternating endpoints: three 503s each, so both endpoint breakers open; the
    // service breaker has heard two failed calls.
    await settle(c.call(get, undefined));
    await settle(c.call(get, undefined));
    expect(opened(events, "endpoint").sort()).toEqual([a.origin, b.origin].sort());
    expect(opened(events, "service")).toEqual([]);
    // Both endpoints' breakers are open, yet the next call is sent (panic routing), with its retries, not refused...
    const sent = a.requests.length + b.requests.length;
    const e = (await settle(c.call(get, undefined))) as SvcgenError;
    expect(a.requests.length + b.requests.length).toBe(sent + 3);
    expect(isCircuitOpenError(e)).toBe(false);
    // ...and that third failed call opens the service breaker, which then refuses without sending.
    expect(opened(events, "service")).toEqual(["service"]);
    const refused = (await settle(c.call(get, undefined))) as SvcgenError;
    expect(isCircuitOpenError(refused)).toBe(true);
    expect(a.requests.length + b.requests.length).toBe(sent + 3);
  });
});

describe("the service breaker hears each call once, after its retries", () => {
  it("one endpoint always 503 among three: calls succeed on retry, the service breaker never opens", async () => {
    const bad = await server(unavailable);
    const g1 = await server(ok);
    const g2 = await server(ok);
    const cb = { enabled: true as const, mode: "consecutive" as const, failureThreshold: 3, openMs: 60_000, halfOpenRequests: 1, maxEjectionPercent: 0 };
    const { c, events } = client([bad.origin, g1.origin, g2.origin], { policy: { circuitBreaker: cb }, retry: { ...fastRetry, budgetRatio: 1 } });
    // Sequential calls: round robin sends every third first attempt to the bad endpoint, three 503s in a row there.
    for (let i = 0; i < 30; i++) await c.call(get, undefined);
    expect(bad.requests.length).toBeGreaterThan(0);
    expect(opened(events, "service")).toEqual([]);
  });

  it("every endpoint 503: failed calls open it after failure_threshold calls, not attempts", async () => {
    const a = await server(unavailable);
    const b = await server(unavailable);
    const cb = { enabled: true as const, mode: "consecutive" as const, failureThreshold: 3, openMs: 60_000, halfOpenRequests: 1, maxEjectionPercent: 0 };
    const { c, events } = client([a.origin, b.origin], { policy: { circuitBreaker: cb }, retry: { ...fastRetry, budgetRatio: 1 } });
    await settle(c.call(get, undefined));
    await settle(c.call(get, undefined));
    // Six 503 attempts so far (two calls × three attempts), but two failed calls: still closed.
    expect(a.requests.length + b.requests.length).toBe(6);
    expect(opened(events, "service")).toEqual([]);
    await settle(c.call(get, undefined));
    expect(opened(events, "service")).toEqual(["service"]);
  });
});

describe("timeouts that are not the endpoint's fault", () => {
  const stallSlow: Responder = (req, res) => {
    if (req.url === "/slow") return; // never answers: the attempt timeout ends it
    json(res, 200, { ok: true });
  };

  it("stalled requests on an endpoint that keeps answering others do not open its breaker", async () => {
    const s = await server(stallSlow);
    const cb = { enabled: true as const, mode: "consecutive" as const, failureThreshold: 3, openMs: 60_000, halfOpenRequests: 1 };
    const { c, events } = client([s.origin], { policy: { circuitBreaker: cb, attemptTimeoutMs: 150 }, retry: { ...fastRetry, maxAttempts: 1 } });
    const stalls = Array.from({ length: 8 }, () => settle(c.call(slow, undefined)));
    // Other calls are answered while the stalled ones wait: the endpoint is alive.
    let answered = 0;
    const busy = (async () => {
      for (let i = 0; i < 400 && answered < 40; i++) {
        await c.call(get, undefined);
        answered++;
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const errors = (await Promise.all(stalls)) as SvcgenError[];
    await busy;
    expect(errors.map((e) => e.code)).toEqual(Array(8).fill("SVCGEN_TIMEOUT"));
    expect(opened(events, "endpoint")).toEqual([]);
    expect(opened(events, "service")).toEqual([]);
    // The endpoint still takes calls.
    await expect(c.call(get, undefined)).resolves.toEqual({ ok: true });
  });

  it("the same stalls on an endpoint that answers nothing meanwhile do open it", async () => {
    const s = await server(stallSlow);
    const cb = { enabled: true as const, mode: "consecutive" as const, failureThreshold: 3, openMs: 60_000, halfOpenRequests: 1 };
    const { c, events } = client([s.origin], { policy: { circuitBreaker: cb, attemptTimeoutMs: 150 }, retry: { ...fastRetry, maxAttempts: 1 } });
    await Promise.all(Array.from({ length: 3 }, () => settle(c.call(slow, undefined))));
    expect(opened(events, "endpoint")).toEqual([s.origin]);
  });
});

describe("a call that reached no server is re-sent for every method", () => {
  it("a POST without a key refused by a dead endpoint goes to the next one; each order executed once, the budget not charged", async () => {
    const dead = `http://127.0.0.1:${await deadPort()}`;
    const live = await server((_req, res) => json(res, 201, { created: true }));
    // Breakers off keep the dead endpoint in rotation; a zero budget ratio leaves only the floor (100 in 10 s).
    const { c } = client([dead, live.origin], { policy: { circuitBreaker: { enabled: false } }, retry: { ...fastRetry, budgetRatio: 0 } });
    const ids = Array.from({ length: 300 }, (_, i) => i);
    const results = await Promise.all(ids.map((id) => settle(c.call(post, { body: { id } }))));
    expect(results.filter((r) => r !== undefined)).toEqual([]);
    const seen = live.requests.map((r) => (JSON.parse(r.body.toString()) as { id: number }).id).sort((x, y) => x - y);
    expect(seen).toEqual(ids);
  });

  it("a POST without a key is still sent once when the request was written (reset)", async () => {
    const s = await server((_req, _res, raw) => void raw.socket.resetAndDestroy());
    const other = await server(ok);
    const { c } = client([s.origin, other.origin], { policy: { circuitBreaker: { enabled: false } }, retry: fastRetry });
    const e = (await settle(c.call(post, { body: { id: 1 } }))) as SvcgenError;
    expect(e.code).toBe("SVCGEN_RESET");
    expect(s.requests.length + other.requests.length).toBe(1);
    expect(isConnectError(e)).toBe(false);
  });
});

describe("fail-fast rejections settle on a macrotask", () => {
  it("a tight loop of calls refused by an open breaker lets a 10 ms timer fire", async () => {
    const dead = `http://127.0.0.1:${await deadPort()}`;
    const cb = { enabled: true as const, mode: "consecutive" as const, failureThreshold: 1, openMs: 60_000, halfOpenRequests: 1 };
    const { c } = client([dead], { policy: { circuitBreaker: cb }, retry: { ...fastRetry, maxAttempts: 1 } });
    await settle(c.call(get, undefined));
    expect(isCircuitOpenError(await settle(c.call(get, undefined)))).toBe(true);
    let fired = false;
    setTimeout(() => (fired = true), 10);
    let iterations = 0;
    // Ends as soon as the timer has fired (bounded as well): with microtask rejections it would never see it fire.
    while (!fired && iterations < 1_000_000) {
      await settle(c.call(get, undefined));
      iterations++;
    }
    expect(fired).toBe(true);
    expect(iterations).toBeLessThan(1_000_000);
  });

  it("so does a call with no endpoint to go to", async () => {
    const { c } = client(["http://127.0.0.1:1"], {}, { balancer: { name: "none", pick: () => undefined } });
    let fired = false;
    setTimeout(() => (fired = true), 10);
    let iterations = 0;
    while (!fired && iterations < 1_000_000) {
      await settle(c.call(get, undefined));
      iterations++;
    }
    expect(fired).toBe(true);
  });
});
