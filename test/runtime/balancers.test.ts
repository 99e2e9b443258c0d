// The balancers against real servers on 127.0.0.1: what each server saw is the evidence. Distribution, steering,
// the hash ring under a scale-up (real DNS), failures that must all be absorbed, and the user's own balancer.
import { afterEach, describe, expect, it } from "vitest";
import { createServiceClient, isNoEndpointsError, isResetError } from "../../src/runtime/index.js";
import type { AttemptResult, Balancer, BalancerContext, ClientOptions, Endpoint, EndpointChange, LoadBalancerKind, PickRequest, ServiceClient, ServiceDefinition } from "../../src/runtime/index.js";
import { deadPort } from "./support/http.js";
import { TestDns } from "./support/dns.js";
import { EventLog, Pod, until } from "./support/pods.js";
import type { PodHandler } from "./support/pods.js";
import { op, service } from "./support/service.js";
import type { ServiceOverrides } from "./support/service.js";

const work = op("work", "GET", "/work");

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function pods(n: number, handler?: PodHandler, from = 1): Promise<Pod[]> {
  const out: Pod[] = [];
  for (let i = from; i < from + n; i++) {
    const pod = await Pod.start(`pod-${i}`, handler);
    cleanup.push(() => pod.kill());
    out.push(pod);
  }
  return out;
}

function statics(origins: readonly string[], kind: LoadBalancerKind, o: ServiceOverrides = {}): ServiceDefinition {
  const endpoints = origins.map((origin) => {
    const u = new URL(origin);
    return { scheme: "http" as const, host: u.hostname, port: Number(u.port) };
  });
  return service(origins[0]!, { endpoints, ...o, policy: { loadBalancer: kind, ...o.policy }, retry: { initialBackoffMs: 1, maxBackoffMs: 5, ...o.retry } });
}

function client(def: ServiceDefinition, options: ClientOptions = {}): ServiceClient {
  const c = createServiceClient(def, { env: {}, ...options });
  cleanup.push(() => c.close());
  return c;
}

/** `total` calls, `concurrency` at a time; each gets its index. */
async function run(total: number, concurrency: number, once: (i: number) => Promise<unknown>): Promise<unknown[]> {
  const failures: unknown[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        await once(i).catch((e: unknown) => failures.push(e));
      }
    }),
  );
  return failures;
}

describe("round_robin", () => {
  it("spreads calls evenly, exactly, even with calls in flight at once", async () => {
    const set = await pods(3);
    const c = client(statics(set.map((p) => p.origin), "round_robin"));
    expect(await run(3000, 12, () => c.call(work, undefined))).toEqual([]);
    expect(set.map((p) => p.count("/work"))).toEqual([1000, 1000, 1000]);
  });

  it("a retry goes to an endpoint the call has not tried", async () => {
    let n = 0;
    const [flaky] = await pods(1, (_req, res) => void res.writeHead(++n % 2 === 1 ? 503 : 200, { "content-length": 0 }).end());
    const set = [flaky!, ...(await pods(2, undefined, 2))];
    const c = client(statics(set.map((p) => p.origin), "round_robin"));
    for (let i = 0; i < 30; i++) await c.call(work, undefined);
    // The first pod answered 503 to every other request; each call got one 200 in the end.
    const firstOk = Math.floor(set[0]!.count() / 2);
    expect(firstOk + set[1]!.count() + set[2]!.count()).toBe(30);
    expect(set[0]!.count() - firstOk).toBeGreaterThan(0);
    // No call came back to the first pod after its 503: each request id reached it at most once.
    const ids = set[0]!.seen.map((s) => s.headers["x-request-id"]);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("least_request", () => {
  it("steers away from a slow endpoint", async () => {
    const slow = await Pod.start("slow", (_req, res) => void setTimeout(() => res.writeHead(200, { "content-length": 2 }).end("{}"), 100));
    cleanup.push(() => slow.kill());
    const fast = await pods(2);
    const c = client(statics([slow.origin, ...fast.map((p) => p.origin)], "least_request"));
    expect(await run(900, 8, () => c.call(work, undefined))).toEqual([]);
    const [s, a, b] = [slow.count(), fast[0]!.count(), fast[1]!.count()];
    expect(s + a + b).toBe(900);
    // Round-robin would give the slow one 300; power of two choices over in-flight × EWMA gives it a handful.
    expect(s * 5).toBeLessThan(Math.min(a, b));
  });

  it("a connection refused in microseconds does not look attractive", async () => {
    const dead = `http://127.0.0.1:${await deadPort()}`;
    const live = await pods(2);
    const log = new EventLog();
    const c = client(statics([dead, ...live.map((p) => p.origin)], "least_request", { policy: { circuitBreaker: { enabled: false } } }), { onEvent: log.hook });
    expect(await run(600, 4, () => c.call(work, undefined))).toEqual([]);
    const toDead = log.of("attempt").filter((e) => e["endpoint"] === dead).length;
    expect(toDead).toBeLessThan(60);
  });
});

describe("consistent_hash", () => {
  const NAME = "users-api-headless.prod.svc.cluster.local";
  const SRV = `_http._tcp.${NAME}`;
  function publish(dns: TestDns, set: readonly Pod[]): void {
    dns.srv(SRV, set.map((p) => ({ target: `${p.name}.${NAME}`, port: p.port })));
    for (const p of set) dns.address(`${p.name}.${NAME}`, [p.host]);
    dns.address(NAME, ["127.0.0.1"]);
  }

  it("a key sticks to one pod; adding a pod (DNS scale-up) moves at most 1/N + 5 % of keys, all to the new pod", async () => {
    const dns = await TestDns.start();
    cleanup.push(() => dns.close());
    const set = await pods(4);
    publish(dns, set);
    const log = new EventLog();
    const def = service("http://users-api:8080", {
      namespace: "prod",
      discovery: { kind: "headless", dnsServers: [dns.server], refreshMs: 100 },
      policy: { loadBalancer: "consistent_hash", hashHeader: "x-user-id" },
    });
    const c = client(def, { onEvent: log.hook });
    const KEYS = 4000;
    const owner = async (key: string): Promise<string> => ((await c.call(work, { headers: { "x-user-id": key } })) as { pod: string }).pod;
    const before = new Map<string, string>();
    expect(await run(KEYS, 16, async (i) => before.set(`user-${i}`, await owner(`user-${i}`)))).toEqual([]);
    // Sticky: asking again lands on the same pod.
    for (let i = 0; i < 200; i++) expect(await owner(`user-${i}`)).toBe(before.get(`user-${i}`));
    const shares = set.map((p) => [...before.values()].filter((v) => v === p.name).length / KEYS);
    for (const share of shares) expect(Math.abs(share - 0.25)).toBeLessThan(0.08);

    const [fifth] = await pods(1, undefined, 5);
    const seen = log.events.length;
    publish(dns, [...set, fifth!]);
    await log.next("endpoints_changed", (e) => (e["added"] as string[]).includes(fifth!.origin), seen);
    const after = new Map<string, string>();
    expect(await run(KEYS, 16, async (i) => after.set(`user-${i}`, await owner(`user-${i}`)))).toEqual([]);
    const moved = [...before.keys()].filter((k) => before.get(k) !== after.get(k));
    expect(moved.length / KEYS).toBeLessThanOrEqual(1 / 5 + 0.05);
    expect(moved.length / KEYS).toBeGreaterThan(0);
    expect(new Set(moved.map((k) => after.get(k)))).toEqual(new Set([fifth!.name]));
  });

  it("a request without the header falls back to round-robin and says so", async () => {
    const set = await pods(3);
    const log = new EventLog();
    const c = client(statics(set.map((p) => p.origin), "consistent_hash", { policy: { hashHeader: "x-user-id" } }), { onEvent: log.hook });
    for (let i = 0; i < 30; i++) await c.call(work, undefined);
    expect(set.map((p) => p.count())).toEqual([10, 10, 10]);
    const fallbacks = log.of("balancer_fallback");
    expect(fallbacks).toHaveLength(30);
    expect(fallbacks[0]).toEqual({ type: "balancer_fallback", service: "users_service", balancer: "consistent_hash", reason: "missing_header", header: "x-user-id", operation: "work", fallback: "round_robin" });
  });
});

describe("failover", () => {
  it("stays on the preferred endpoint and moves only when it stops answering", async () => {
    const set = await pods(3);
    const c = client(statics(set.map((p) => p.origin), "failover"));
    for (let i = 0; i < 20; i++) await c.call(work, undefined);
    expect(set.map((p) => p.count())).toEqual([20, 0, 0]);
    await set[0]!.kill();
    // A request written on a keep-alive connection the dying pod already closed is a reset: under failover rules
    // (endpoint-failover-v1.json) it may have been processed, so it is returned, never retried. Then the refused
    // connection rotates to the next endpoint, which becomes preferred.
    let answered = 0;
    for (let i = 0; i < 3 && answered === 0; i++) {
      await c.call(work, undefined).then(
        () => answered++,
        (e: unknown) => expect(isResetError(e) && !e.notProcessed).toBe(true),
      );
    }
    expect(answered).toBe(1);
    for (let i = 0; i < 19; i++) await c.call(work, undefined);
    expect([set[1]!.count(), set[2]!.count()]).toEqual([20, 0]);
    expect(c.describe().preferred).toBe(set[1]!.origin);
  });
});

describe("every balancer absorbs one dead endpoint and 10 % 503s from the others", () => {
  const CALLS = 10_000;
  const rows: [LoadBalancerKind, ServiceOverrides["policy"]][] = [
    ["round_robin", {}],
    ["health_aware", {}],
    ["least_request", {}],
    ["consistent_hash", { hashHeader: "x-user-id" }],
    ["failover", {}],
  ];
  it.each(rows)("%s: 10,000 idempotent calls all succeed", async (kind, policy) => {
    const served = new Map<string, { ok: number; unavailable: number }>();
    const handler: PodHandler = (req, res, pod) => {
      const tally = served.get(pod.name) ?? { ok: 0, unavailable: 0 };
      served.set(pod.name, tally);
      if (req.url?.startsWith("/ready")) return void res.writeHead(200, { "content-length": 0 }).end();
      // Exactly every tenth request this pod receives fails.
      if ((tally.ok + tally.unavailable + 1) % 10 === 0) {
        tally.unavailable++;
        return void res.writeHead(503, { "content-length": 0 }).end();
      }
      tally.ok++;
      res.writeHead(200, { "content-type": "application/json", "content-length": 2 }).end("{}");
    };
    const live = await pods(2, handler);
    const dead = `http://127.0.0.1:${await deadPort()}`;
    // The dead endpoint first: failover starts there.
    const def = statics([dead, ...live.map((p) => p.origin)], kind, {
      // The default breaker (5 consecutive failures, open 30 s): the dead endpoint trips its own, the 503s never do.
      policy,
      // 10 % of answers fail: enough attempts that no call can run out of them.
      retry: { maxAttempts: 8, retryOnStatus: [503] },
    });
    let attempts = 0;
    const c = client(def, { healthCheck: { intervalMs: 200 }, onEvent: (e) => void (e.type === "attempt" && attempts++) });
    const failures = await run(CALLS, 16, (i) => c.call(work, { headers: { "x-user-id": `user-${i % 997}` } }));
    expect(failures.slice(0, 3).map(String)).toEqual([]);
    const ok = [...served.values()].reduce((n, t) => n + t.ok, 0);
    const unavailable = [...served.values()].reduce((n, t) => n + t.unavailable, 0);
    // What the servers saw: one 200 per call, and the 503s the retries absorbed.
    expect(ok).toBe(CALLS);
    for (const t of served.values()) expect(t.unavailable).toBe(Math.floor((t.ok + t.unavailable) / 10));
    // Every attempt went to a live pod (seen above) or to the dead endpoint; the breaker keeps the latter few.
    const toDead = attempts - ok - unavailable;
    expect(toDead).toBeGreaterThanOrEqual(0);
    expect(toDead).toBeLessThan(200);
  });
});

describe("health_aware", () => {
  it("probes eject after 2 failures and restore after 3 passes; alternating answers never flip an endpoint", async () => {
    type Mode = "up" | "down" | "flap";
    let mode: Mode = "flap";
    let probes = 0;
    const handler: PodHandler = (req, res) => {
      if (req.url === "/ready") {
        probes++;
        const pass = mode === "up" || (mode === "flap" && probes % 2 === 0);
        return void res.writeHead(pass ? 200 : 503, { "content-length": 0 }).end();
      }
      res.writeHead(200, { "content-type": "application/json", "content-length": 2 }).end("{}");
    };
    const [watched] = await pods(1, handler);
    const others = await pods(2, undefined, 2);
    const log = new EventLog();
    const c = client(statics([watched!.origin, ...others.map((p) => p.origin)], "health_aware"), {
      onEvent: log.hook,
      // A long probe timeout: by default it is the interval (15 ms here), which a busy machine can miss, and a timed-out
      // probe next to a failing one would eject the endpoint. Only the answers count in this test.
      healthCheck: { intervalMs: 15, jitter: 0.5, unhealthyThreshold: 2, healthyThreshold: 3, timeoutMs: 30_000 },
    });
    const about = (e: { [key: string]: unknown }): boolean => e["endpoint"] === watched!.origin;

    await until(() => probes >= 12, "a dozen flapping probes");
    expect(log.of("endpoint_ejected").filter(about)).toEqual([]);

    mode = "down";
    const ejected = await log.next("endpoint_ejected", about);
    expect(ejected).toMatchObject({ reason: "probe", balancer: "health_aware" });
    const before = watched!.count("/work");
    for (let i = 0; i < 30; i++) await c.call(work, undefined);
    expect(watched!.count("/work")).toBe(before);

    mode = "flap";
    const flapFrom = probes;
    await until(() => probes >= flapFrom + 12, "a dozen more flapping probes");
    expect(log.of("endpoint_restored").filter(about)).toEqual([]);
    for (let i = 0; i < 30; i++) await c.call(work, undefined);
    expect(watched!.count("/work")).toBe(before);

    mode = "up";
    await log.next("endpoint_restored", about);
    for (let i = 0; i < 30; i++) await c.call(work, undefined);
    expect(watched!.count("/work")).toBeGreaterThanOrEqual(before + 9);
  });

  it("passive ejection: an endpoint whose breaker opens gets no traffic until probes bring it back", async () => {
    let failing = true;
    let ready = true;
    const [bad] = await pods(1, (req, res) => {
      if (req.url === "/ready") return void res.writeHead(ready ? 200 : 503, { "content-length": 0 }).end();
      res.writeHead(failing ? 500 : 200, { "content-length": 2 }).end("{}");
    });
    const good = await pods(2, undefined, 2);
    const log = new EventLog();
    const def = statics([bad!.origin, ...good.map((p) => p.origin)], "health_aware", {
      // openMs 1: the breaker alone would let traffic back at once; health_aware waits for three good probes in a row.
      policy: { circuitBreaker: { enabled: true, mode: "consecutive", failureThreshold: 3, openMs: 1, halfOpenRequests: 1 } },
      retry: { retryOnStatus: [500, 503] },
    });
    const c = client(def, {
      healthCheck: { intervalMs: 20 },
      onEvent: (e) => {
        // The pod is fixed the moment it is ejected, but says so only when the test lets its probes pass.
        if (e.type === "endpoint_ejected" && e["endpoint"] === bad!.origin) {
          failing = false;
          ready = false;
        }
        log.hook(e);
      },
    });
    for (let i = 0; i < 12; i++) await c.call(work, undefined);
    const ejected = await log.next("endpoint_ejected", (e) => e["endpoint"] === bad!.origin);
    expect(ejected["reason"]).toBe("breaker_open");
    const before = bad!.count("/work");
    for (let i = 0; i < 30; i++) await c.call(work, undefined);
    expect(bad!.count("/work")).toBe(before);
    ready = true;
    await log.next("endpoint_restored", (e) => e["endpoint"] === bad!.origin);
    for (let i = 0; i < 30; i++) await c.call(work, undefined);
    expect(bad!.count("/work")).toBeGreaterThanOrEqual(before + 9);
  });

  it("with every endpoint ejected it falls back to round-robin over all of them, and says so", async () => {
    const set = await pods(2, (req, res) => void res.writeHead(req.url === "/ready" ? 503 : 200, { "content-length": 2 }).end("{}"));
    const log = new EventLog();
    // Probe settings baked into the definition (policy.healthCheck) rather than passed as an option.
    const c = client(statics(set.map((p) => p.origin), "health_aware", { policy: { healthCheck: { intervalMs: 10 } } }), { onEvent: log.hook });
    await until(() => log.of("endpoint_ejected").length === 2, "both endpoints ejected");
    for (let i = 0; i < 10; i++) await c.call(work, undefined);
    expect(set.map((p) => p.count("/work"))).toEqual([5, 5]);
    expect(log.of("balancer_fallback")[0]).toMatchObject({ balancer: "health_aware", reason: "no_healthy_endpoint", fallback: "round_robin" });
  });
});

describe("a balancer of your own (ClientOptions.balancer)", () => {
  /** Pins a request to the endpoint named by `x-pin` (its index); unpinned requests go to the last endpoint. */
  class PinBalancer implements Balancer {
    readonly name = "pin";
    readonly results: [string, AttemptResult][] = [];
    readonly changes: [string[], EndpointChange][] = [];
    picks = 0;
    pick(request: PickRequest): Endpoint | undefined {
      this.picks++;
      const pin = request.headers["x-pin"];
      if (pin === "none") return undefined;
      const candidates = request.endpoints.filter((e) => !request.tried(e));
      const list = candidates.length > 0 ? candidates : request.endpoints;
      return pin === undefined ? list[list.length - 1] : (request.endpoints[Number(pin)] ?? list[0]);
    }
    onResult(endpoint: Endpoint, result: AttemptResult): void {
      this.results.push([endpoint.origin, result]);
    }
    onEndpoints(endpoints: readonly Endpoint[], change: EndpointChange): void {
      this.changes.push([endpoints.map((e) => e.origin), change]);
    }
  }

  it("picks every attempt, hears each result with its latency and the endpoint set", async () => {
    const set = await pods(2);
    const dead = `http://127.0.0.1:${await deadPort()}`;
    const origins = [...set.map((p) => p.origin), dead];
    const mine = new PinBalancer();
    const c = client(statics(origins, "round_robin"), { balancer: mine });
    expect(c.describe().balancer).toBe("pin");
    expect(mine.changes).toEqual([[origins, { added: origins.map((o) => expect.objectContaining({ origin: o })), removed: [] }]]);

    for (let i = 0; i < 4; i++) await c.call(work, undefined, { headers: { "x-pin": "1" } });
    expect(set.map((p) => p.count())).toEqual([0, 4]);
    // Unpinned: the last endpoint (dead) first, then the retry goes where the balancer says (an untried one).
    await c.call(work, undefined);
    expect(set.map((p) => p.count())).toEqual([0, 5]);
    const last = mine.results.slice(-2);
    expect(last.map(([o, r]) => [o, r.kind, r.status, r.failed, r.rotate])).toEqual([
      [dead, "connect", 0, true, true],
      [set[1]!.origin, "response", 200, false, false],
    ]);
    for (const [, r] of mine.results) expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    // Exactly one result per pick.
    expect(mine.results).toHaveLength(mine.picks);

    const err = await c.call(work, undefined, { headers: { "x-pin": "none" } }).then(() => undefined, (e: unknown) => e);
    expect(isNoEndpointsError(err) && [err.reason, err.message]).toEqual(["balancer", "users_service.work: no endpoint to send to: the pin balancer declined every endpoint; nothing was sent"]);
  });

  it("a factory gets the client's context: clock, events and active checks", async () => {
    const set = await pods(2, (req, res) => void res.writeHead(req.url === "/ready" ? 204 : 200, { "content-length": 0 }).end());
    const log = new EventLog();
    let context: BalancerContext | undefined;
    const c = client(statics(set.map((p) => p.origin), "failover"), {
      onEvent: log.hook,
      balancer: (ctx) => {
        context = ctx;
        let turn = 0;
        return { name: "first-then-second", pick: (r) => r.endpoints[turn++ % r.endpoints.length] };
      },
    });
    await c.call(op("work", "GET", "/work", { response: "empty" }), undefined);
    expect(context!.service).toBe("users_service");
    expect(typeof context!.clock.now()).toBe("number");
    const endpoint: Endpoint = { index: 0, scheme: "http", host: "127.0.0.1", port: set[0]!.port, origin: set[0]!.origin };
    expect(await context!.check(endpoint, new AbortController().signal)).toBe(true);
    expect(set[0]!.seen.at(-1)!.path).toBe("/ready");
    context!.emit("balancer_fallback", { balancer: "first-then-second", reason: "custom" });
    expect(log.of("balancer_fallback")).toEqual([{ type: "balancer_fallback", service: "users_service", balancer: "first-then-second", reason: "custom" }]);
  });
});
