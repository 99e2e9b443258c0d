// Breaker state machine (consecutive and rate modes) and its place in the chain: an open breaker sends nothing.
import { describe, expect, it } from "vitest";
import { createBreaker } from "../../src/runtime/breaker.js";
import { isCircuitOpenError, isHttpError } from "../../src/runtime/index.js";
import type { BreakerState } from "../../src/runtime/breaker.js";
import { service, op } from "./support/service.js";
import { scripted, status } from "./support/scripted.js";

describe("consecutive breaker", () => {
  it("opens after the threshold, half-opens after openMs with limited probes, closes on success", () => {
    const changes: string[] = [];
    const b = createBreaker({ enabled: true, mode: "consecutive", failureThreshold: 3, openMs: 1000, halfOpenRequests: 2 }, (from, to) => changes.push(`${from}>${to}`))!;
    b.failure(0);
    b.failure(1);
    b.success(2); // resets the run
    b.failure(3);
    b.failure(4);
    expect(b.state).toBe("closed");
    b.failure(5);
    expect(b.state).toBe("open");
    expect(b.tryAcquire(500)).toBe(false);
    expect(b.tryAcquire(1005)).toBe(true);
    expect(b.state).toBe("half_open");
    expect(b.tryAcquire(1006)).toBe(true);
    expect(b.tryAcquire(1007)).toBe(false); // two probes at most
    b.success(1010);
    expect(b.state).toBe("closed");
    expect(changes).toEqual(["closed>open", "open>half_open", "half_open>closed"]);
  });

  it("re-opens when a probe fails, for another openMs", () => {
    const b = createBreaker({ enabled: true, mode: "consecutive", failureThreshold: 1, openMs: 1000, halfOpenRequests: 1 })!;
    b.failure(0);
    expect(b.tryAcquire(1000)).toBe(true);
    b.failure(1000);
    expect(b.state).toBe("open");
    expect(b.tryAcquire(1999)).toBe(false);
    expect(b.tryAcquire(2000)).toBe(true);
  });

  it("a released probe frees its slot", () => {
    const b = createBreaker({ enabled: true, mode: "consecutive", failureThreshold: 1, openMs: 10, halfOpenRequests: 1 })!;
    b.failure(0);
    expect(b.tryAcquire(10)).toBe(true);
    expect(b.tryAcquire(10)).toBe(false);
    b.release();
    expect(b.tryAcquire(10)).toBe(true);
  });

  it("is absent when disabled", () => {
    expect(createBreaker({ enabled: false })).toBeUndefined();
  });
});

describe("rate breaker", () => {
  const settings = { enabled: true as const, mode: "rate" as const, failureRate: 0.5, minRequests: 10, windowMs: 10_000, openMs: 1000, halfOpenRequests: 1 };

  it("needs minRequests before tripping, then trips at the rate", () => {
    const b = createBreaker(settings)!;
    for (let i = 0; i < 4; i++) b.success(i);
    for (let i = 0; i < 5; i++) b.failure(10 + i); // 5/9 ≥ 0.5 but only 9 requests
    expect(b.state).toBe("closed");
    b.failure(20); // 6/10
    expect(b.state).toBe("open");
  });

  it("stays closed below the rate", () => {
    const b = createBreaker(settings)!;
    for (let i = 0; i < 20; i++) (i % 3 === 0 ? b.failure(i) : b.success(i));
    expect(b.state).toBe("closed");
  });

  it("forgets outcomes that slid out of the window", () => {
    const b = createBreaker(settings)!;
    for (let i = 0; i < 9; i++) b.failure(0);
    expect(b.state).toBe("closed");
    for (let i = 0; i < 9; i++) b.success(20_000);
    b.failure(20_000); // 1/10 in the window: the old failures are gone
    expect(b.state).toBe("closed");
  });
});

describe("breakers in the chain", () => {
  it("an open service breaker rejects at once and sends nothing; 4xx never count as failures", async () => {
    const def = service("http://svc.test:80", { retry: { maxAttempts: 1 }, policy: { circuitBreaker: { enabled: true, mode: "consecutive", failureThreshold: 3, openMs: 30_000, halfOpenRequests: 1 } } });
    let answer = 404;
    const events: { from: BreakerState; to: BreakerState; scope: string }[] = [];
    const s = scripted(def, () => status(answer), { onEvent: (e) => e.type === "breaker" && events.push(e as never) });
    const get = op("get", "GET", "/");
    for (let i = 0; i < 10; i++) expect(isHttpError(await s.clock.run(s.client.call(get, undefined).catch((e: unknown) => e)))).toBe(true);
    expect(events).toEqual([]);
    answer = 503;
    for (let i = 0; i < 3; i++) await s.clock.run(s.client.call(get, undefined).catch((e: unknown) => e));
    const sentBefore = s.sent.length;
    const err = await s.clock.run(s.client.call(get, undefined).catch((e: unknown) => e));
    expect(isCircuitOpenError(err)).toBe(true);
    expect(s.sent.length).toBe(sentBefore);
    expect((err as { notProcessed: boolean }).notProcessed).toBe(true);
    expect((err as { attempts: unknown[] }).attempts).toEqual([]);
    expect(events.map((e) => `${e.scope}:${e.from}>${e.to}`).sort()).toEqual(["endpoint:closed>open", "service:closed>open"]);
    // After openMs one probe goes through and closes both breakers.
    answer = 200;
    await s.clock.advance(30_000);
    await s.clock.run(s.client.call(get, undefined));
    expect(s.sent.length).toBe(sentBefore + 1);
    expect(events.filter((e) => e.to === "closed")).toHaveLength(2);
  });

  it("the pick layer skips an endpoint whose own breaker is open (ejected) while the service stays up", async () => {
    const def = service("http://a.test:1", {
      endpoints: [{ scheme: "http", host: "a.test", port: 1 }, { scheme: "http", host: "b.test", port: 2 }],
      retry: { maxAttempts: 1 },
      policy: { loadBalancer: "round_robin", circuitBreaker: { enabled: true, mode: "consecutive", failureThreshold: 2, openMs: 30_000, halfOpenRequests: 1 } },
    });
    const ejected: string[] = [];
    const s = scripted(def, (x) => status(x.endpoint!.origin === "http://a.test:1" ? 503 : 200), { onEvent: (e) => e.type === "endpoint_ejected" && ejected.push(e["endpoint"] as string) });
    const get = op("get", "GET", "/");
    for (let i = 0; i < 4; i++) await s.clock.run(s.client.call(get, undefined).catch(() => undefined));
    expect(ejected).toEqual(["http://a.test:1"]);
    expect(s.sent.map((x) => x.endpoint)).toEqual(["http://a.test:1", "http://b.test:2", "http://a.test:1", "http://b.test:2"]);
    // The fifth call starts at a again (round robin), finds it ejected and goes to b.
    await s.clock.run(s.client.call(get, undefined));
    expect(s.sent).toHaveLength(5);
    expect(s.sent[4]!.endpoint).toBe("http://b.test:2");
  });
});
