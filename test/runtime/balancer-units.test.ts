// Balancer mechanics that need no sockets: the hash ring's remapping bound over many set sizes, the health prober's
// jittered schedule on a virtual clock, the pick layer's guarantees around open breakers, and the service breaker's
// view of one endpoint's transport failures.
import { describe, expect, it } from "vitest";
import { ConnectError, ConsistentHashBalancer, HealthAwareBalancer, LeastRequestBalancer, RoundRobinBalancer } from "../../src/runtime/index.js";
import type { AttemptResult, Balancer, BalancerContext, ClientEvent, Endpoint, PickRequest } from "../../src/runtime/index.js";
import { op, service } from "./support/service.js";
import { scripted, status } from "./support/scripted.js";
import { VirtualClock } from "./support/virtual-clock.js";

const endpoint = (i: number): Endpoint => ({ index: i, scheme: "http", host: `10.0.${i >> 8}.${i & 255}`, port: 8080, origin: `http://10.0.${i >> 8}.${i & 255}:8080` });
const set = (n: number): Endpoint[] => Array.from({ length: n }, (_, i) => endpoint(i));

function context(clock = new VirtualClock(), random = Math.random, check: BalancerContext["check"] = async () => true): BalancerContext & { events: ClientEvent[] } {
  const events: ClientEvent[] = [];
  return { service: "svc", clock, random, wants: () => true, emit: (type, fields) => void events.push({ ...fields, type, service: "svc" }), check, events };
}

function request(endpoints: readonly Endpoint[], headers: Record<string, string> = {}, tried: readonly Endpoint[] = [], open: readonly Endpoint[] = []): PickRequest {
  return {
    operation: "op",
    attempt: tried.length + 1,
    headers,
    endpoints,
    previous: tried.at(-1),
    tried: (e) => tried.some((t) => t.origin === e.origin),
    available: (e) => !open.some((o) => o.origin === e.origin),
  };
}

describe("consistent_hash ring", () => {
  it.each([3, 4, 10, 50])("%i endpoints, one added: at most 1/N + 5 percent of keys move, all to it; removed again, all move back", (n) => {
    // One balancer per set: each keeps its ring.
    const hash = new ConsistentHashBalancer(context(), "x-user-id");
    const grown = new ConsistentHashBalancer(context(), "x-user-id");
    const before = set(n);
    const after = set(n + 1);
    const added = after[n]!;
    const KEYS = 20_000;
    let moved = 0;
    for (let k = 0; k < KEYS; k++) {
      const key = `user-${k}`;
      const a = hash.owner(key, before)!;
      const b = grown.owner(key, after)!;
      if (a.origin !== b.origin) {
        moved++;
        expect(b.origin).toBe(added.origin);
      }
      // Removing the new endpoint gives every key its old owner back.
      expect(hash.owner(key, before)!.origin).toBe(a.origin);
    }
    expect(moved / KEYS).toBeLessThanOrEqual(1 / (n + 1) + 0.05);
    expect(moved / KEYS).toBeGreaterThan(1 / (n + 1) - 0.05);
  });

  it("a retry walks the ring to an untried endpoint whose breaker admits it", () => {
    const hash = new ConsistentHashBalancer(context(), "x-user-id");
    const endpoints = set(4);
    const owner = hash.pick(request(endpoints, { "x-user-id": "u1" }))!;
    const second = hash.pick(request(endpoints, { "x-user-id": "u1" }, [owner]))!;
    expect(second.origin).not.toBe(owner.origin);
    const others = endpoints.filter((e) => e.origin !== owner.origin && e.origin !== second.origin);
    // The next along the ring has an open breaker: the walk passes it.
    const third = hash.pick(request(endpoints, { "x-user-id": "u1" }, [owner, second], [others[0]!]))!;
    expect(third.origin).toBe(others[1]!.origin);
  });
});

describe("round-robin retries", () => {
  it("prefer untried endpoints with a closed breaker, then tried ones other than the last", () => {
    const rr = new RoundRobinBalancer();
    const e = set(3);
    expect(rr.pick(request(e, {}, [e[0]!], [e[1]!]))!.origin).toBe(e[2]!.origin);
    expect(rr.pick(request(e, {}, [e[0]!, e[2]!], [e[1]!]))!.origin).toBe(e[0]!.origin);
    expect(rr.pick(request(e, {}, [e[2]!, e[0]!], [e[1]!]))!.origin).toBe(e[2]!.origin);
  });
});

describe("least_request", () => {
  it("counts in-flight picks and prefers the endpoint with fewer", () => {
    const c = context(new VirtualClock(), () => 0.99);
    const lr = new LeastRequestBalancer(c);
    const e = set(2);
    lr.onEndpoints(e, { added: e, removed: [] });
    const first = lr.pick(request(e))!;
    const second = lr.pick(request(e))!;
    expect(second.origin).not.toBe(first.origin);
    expect(lr.stats(first)).toEqual({ inFlight: 1, ewmaMs: 0 });
    const result: AttemptResult = { kind: "response", status: 200, failed: false, rotate: false, latencyMs: 4, breaker: "closed" };
    lr.onResult(first, result);
    expect(lr.stats(first)).toEqual({ inFlight: 0, ewmaMs: 4 });
    // A failure weighs at least the penalty, however fast it was.
    lr.onResult(second, { ...result, kind: "connect", status: 0, failed: true, latencyMs: 0.01 });
    expect(lr.stats(second)!.ewmaMs).toBe(250);
  });
});

describe("health_aware probes", () => {
  it("run on jittered timers per endpoint and leave none behind on removal or close", async () => {
    const clock = new VirtualClock();
    const draws = [0.5, 0.25, 0, 1 - Number.EPSILON, 0.5];
    const probed: [string, number][] = [];
    const c = context(clock, () => draws.shift() ?? 0.5, async (e) => {
      probed.push([e.origin, clock.now()]);
      return true;
    });
    const ha = new HealthAwareBalancer(c, { intervalMs: 1000, jitter: 0.2 });
    const [a, b] = set(2);
    ha.onEndpoints([a!, b!], { added: [a!, b!], removed: [] });
    // First probes anywhere in the first interval (draws 0.5, 0.25); then interval × (1 ± 0.2) per draw.
    await clock.advance(3000);
    expect(probed.slice(0, 4)).toEqual([
      [b!.origin, 250],
      [a!.origin, 500],
      [b!.origin, 250 + 800],
      [a!.origin, 500 + 1200],
    ]);
    expect(clock.pendingTimers).toBe(2);
    ha.onEndpoints([a!], { added: [], removed: [b!] });
    expect(clock.pendingTimers).toBe(1);
    ha.close();
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("pick layer", () => {
  const get = op("get", "GET", "/");
  const two = service("http://a.test:1", {
    endpoints: [
      { scheme: "http", host: "a.test", port: 1 },
      { scheme: "http", host: "b.test", port: 2 },
    ],
    retry: { maxAttempts: 1 },
    policy: { circuitBreaker: { enabled: true, mode: "consecutive", failureThreshold: 2, openMs: 60_000, halfOpenRequests: 1 } },
  });

  it("a balancer that insists on an endpoint whose breaker is open does not fail the call", async () => {
    const results: [string, string][] = [];
    const stubborn: Balancer = {
      name: "stubborn",
      pick: (r) => r.endpoints[0],
      onResult: (e, r) => void results.push([e.origin, r.kind]),
    };
    const s = scripted(two, (x) => (x.endpoint!.origin === "http://a.test:1" ? Promise.reject(new ConnectError({ endpoint: x.endpoint!.origin })) : status(200)), { balancer: stubborn });
    for (let i = 0; i < 2; i++) await s.clock.run(s.client.call(get, undefined).catch(() => undefined));
    await s.clock.run(s.client.call(get, undefined));
    expect(s.sent.map((x) => x.endpoint)).toEqual(["http://a.test:1", "http://a.test:1", "http://b.test:2"]);
    expect(results).toEqual([
      ["http://a.test:1", "connect"],
      ["http://a.test:1", "connect"],
      ["http://a.test:1", "skipped"],
      ["http://b.test:2", "response"],
    ]);
  });

  it("one endpoint's transport failures open its own breaker, never the service's", async () => {
    const events: ClientEvent[] = [];
    const s = scripted(two, (x) => (x.endpoint!.origin === "http://a.test:1" ? Promise.reject(new ConnectError({ endpoint: x.endpoint!.origin })) : status(200)), {
      onEvent: (e) => void (e.type === "breaker" && events.push(e)),
    });
    for (let i = 0; i < 20; i++) await s.clock.run(s.client.call(get, undefined).catch(() => undefined));
    expect(events.map((e) => [e["scope"], e["endpoint"], e["to"]])).toEqual([["endpoint", "http://a.test:1", "open"]]);
    // With a single endpoint the service breaker does count them.
    const single = scripted(service("http://a.test:1", { retry: { maxAttempts: 1 }, policy: two.policy }), (x) => Promise.reject(new ConnectError({ endpoint: x.endpoint!.origin })), {
      onEvent: (e) => void (e.type === "breaker" && events.push(e)),
    });
    events.length = 0;
    for (let i = 0; i < 3; i++) await single.clock.run(single.client.call(get, undefined).catch(() => undefined));
    expect(events.map((e) => e["scope"]).sort()).toEqual(["endpoint", "service"]);
  });
});
