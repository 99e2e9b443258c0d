// Retry, deadline, attempt timeout and abort behaviour outside failover, on a virtual clock through the real chain.
import { describe, expect, it } from "vitest";
import { getEventListeners } from "node:events";
import {
  isAbortError,
  isDeadlineExceededError,
  isHttpError,
  isTimeoutError,
  ConnectError,
  ResetError,
} from "../../src/runtime/index.js";
import type { AttemptRecord, SvcgenError } from "../../src/runtime/index.js";
import { op, service } from "./support/service.js";
import type { ServiceOverrides } from "./support/service.js";
import { scripted, stall, status } from "./support/scripted.js";

const get = op("get", "GET", "/");
const post = op("create", "POST", "/", { body: { kind: "json", contentType: "application/json" } });
const noBreaker = { circuitBreaker: { enabled: false } as const };
const svc = (retry: ServiceOverrides["retry"] = {}, policy: ServiceOverrides["policy"] = {}) =>
  service("http://svc.test:80", { retry: { jitter: "none", initialBackoffMs: 100, maxBackoffMs: 1000, maxAttempts: 4, ...retry }, policy: { ...noBreaker, ...policy } });

const fail = (p: Promise<unknown>): Promise<SvcgenError> => p.then(() => Promise.reject(new Error("expected a failure")), (e: unknown) => e as SvcgenError);

describe("retries", () => {
  it("retries listed statuses with exponential backoff and records every attempt", async () => {
    const s = scripted(svc(), (_x, n) => status(n < 3 ? 503 : 200));
    let attempts: readonly AttemptRecord[] = [];
    await s.clock.run(s.client.call(get, undefined, { onResponse: (i) => (attempts = i.attempts) }));
    expect(s.sent.map((x) => x.at)).toEqual([0, 101, 302]);
    expect(attempts.map((a) => [a.outcome, a.pauseMs])).toEqual([
      [{ kind: "status", status: 503 }, 100],
      [{ kind: "status", status: 503 }, 200],
      [{ kind: "status", status: 200 }, 0],
    ]);
  });

  it("full jitter draws between the initial backoff and the ceiling", async () => {
    const low = scripted(svc({ jitter: "full" }), (_x, n) => status(n < 4 ? 503 : 200), {}, 1, () => 0);
    await low.clock.run(low.client.call(get, undefined));
    expect(low.sent.map((x) => x.at)).toEqual([0, 101, 202, 303]);
    const high = scripted(svc({ jitter: "full" }), (_x, n) => status(n < 4 ? 503 : 200), {}, 1, () => 0.999);
    await high.clock.run(high.client.call(get, undefined));
    // Pauses 100, 199 (100 + ⌊100 × 0.999⌋), 399 (100 + ⌊300 × 0.999⌋).
    expect(high.sent.map((x) => x.at)).toEqual([0, 101, 301, 701]);
  });

  it("retries only what retryOn names", async () => {
    const s = scripted(svc({ retryOnStatus: [503] }), () => status(502));
    const err = await s.clock.run(fail(s.client.call(get, undefined)));
    expect(isHttpError(err) && err.status).toBe(502);
    expect(s.sent).toHaveLength(1);
    const c = scripted(svc({ retryOnConnect: false }), (x) => Promise.reject(new ConnectError({ endpoint: x.endpoint?.origin })));
    await c.clock.run(fail(c.client.call(get, undefined)));
    expect(c.sent).toHaveLength(1);
  });

  it("stops at maxAttempts and returns the last answer", async () => {
    const s = scripted(svc({ maxAttempts: 3 }), () => status(503));
    const err = await s.clock.run(fail(s.client.call(get, undefined)));
    expect(isHttpError(err) && err.status).toBe(503);
    expect(err.attempts).toHaveLength(3);
    expect(err.attempts.map((a) => a.pauseMs)).toEqual([100, 200, 0]);
    expect(err.notProcessed).toBe(false);
  });

  it.each([
    ["Retry-After seconds", { "retry-after": "2" }, 2000],
    ["retry-after-ms", { "retry-after-ms": "350" }, 350],
    ["retry-after-ms wins over Retry-After", { "retry-after-ms": "40", "retry-after": "9" }, 40],
  ])("honours %s", async (_name, headers, pause) => {
    const s = scripted(svc(), (_x, n) => status(n === 1 ? 503 : 200, headers));
    await s.clock.run(s.client.call(get, undefined));
    expect(s.sent[1]!.at - 1).toBe(pause);
  });

  it("honours a Retry-After HTTP-date", async () => {
    const s = scripted(svc(), (_x, n) => status(n === 1 ? 429 : 200, { "retry-after": new Date(Date.now() + 5000).toUTCString() }));
    await s.clock.run(s.client.call(get, undefined));
    const pause = s.sent[1]!.at - 1;
    expect(pause).toBeGreaterThan(3000);
    expect(pause).toBeLessThanOrEqual(5000);
  });

  it("does not take a Retry-After pause that would reach the deadline", async () => {
    const s = scripted(svc({}, { timeoutMs: 1500 }), () => status(503, { "retry-after": "2" }));
    const err = await s.clock.run(fail(s.client.call(get, undefined)));
    expect(isHttpError(err) && err.status).toBe(503);
    expect(s.sent).toHaveLength(1);
    expect(s.clock.now()).toBe(1);
  });

  it("connect failures are retried and prove nothing was processed", async () => {
    const s = scripted(svc({ maxAttempts: 3 }), (x) => Promise.reject(new ConnectError({ endpoint: x.endpoint?.origin })));
    const err = await s.clock.run(fail(s.client.call(post, { body: {} })));
    // POST without a key: re-sent after a connect failure, which proves no server saw it.
    expect(s.sent).toHaveLength(3);
    expect(err.attempts.map((a) => a.outcome.kind)).toEqual(["connect", "connect", "connect"]);
    expect(err.code).toBe("SVCGEN_CONNECT");
    expect(err.notProcessed).toBe(true);
    const g = scripted(svc({ maxAttempts: 3 }), (x) => Promise.reject(new ConnectError({ endpoint: x.endpoint?.origin })));
    const err2 = await g.clock.run(fail(g.client.call(get, undefined)));
    expect(g.sent).toHaveLength(3);
    expect(err2.attempts.map((a) => a.outcome.kind)).toEqual(["connect", "connect", "connect"]);
    expect(err2.notProcessed).toBe(true);
  });
});

describe("idempotency", () => {
  it.each([
    ["POST without a key is sent once", post, {}, 1],
    ["POST with an Idempotency-Key is retried", post, { idempotencyKey: "k-1" }, 3],
    ["PATCH without a key is sent once", op("patch", "PATCH", "/"), {}, 1],
    ["an operation marked idempotent is retried", op("create", "POST", "/", { idempotent: true }), {}, 3],
    ["PUT is retried", op("put", "PUT", "/"), {}, 3],
    ["DELETE is retried", op("del", "DELETE", "/"), {}, 3],
    ["HEAD is retried", op("head", "HEAD", "/", { response: "empty" }), {}, 3],
    ["OPTIONS is retried", op("opt", "OPTIONS", "/"), {}, 3],
  ] as const)("%s", async (_name, operation, options, sends) => {
    const s = scripted(svc({ maxAttempts: 3 }), () => status(503));
    await s.clock.run(fail(s.client.call(operation, undefined, options)));
    expect(s.sent).toHaveLength(sends);
    if ("idempotencyKey" in options) expect(s.sent.map((x) => x.headers["idempotency-key"])).toEqual(["k-1", "k-1", "k-1"]);
  });

  it("a streaming body is never retried, whatever the method or key", async () => {
    const upload = op("upload", "PUT", "/", { body: { kind: "binary", contentType: "application/octet-stream" } });
    const s = scripted(svc(), () => status(503));
    const body = new ReadableStream({ start: (c) => c.close() });
    await s.clock.run(fail(s.client.call(upload, { body }, { idempotencyKey: "k" })));
    expect(s.sent).toHaveLength(1);
  });

  it("a reset is retried for an idempotent call and never for a POST without a key", async () => {
    const reset = (): Promise<never> => Promise.reject(new ResetError());
    const g = scripted(svc({ maxAttempts: 2 }), reset);
    const e1 = await g.clock.run(fail(g.client.call(get, undefined)));
    expect(g.sent).toHaveLength(2);
    expect(e1.code).toBe("SVCGEN_RESET");
    expect(e1.notProcessed).toBe(false);
    const p = scripted(svc({ maxAttempts: 2 }), reset);
    await p.clock.run(fail(p.client.call(post, { body: {} })));
    expect(p.sent).toHaveLength(1);
  });
});

describe("deadline and timeouts", () => {
  it("an already-expired deadline sends nothing", async () => {
    const s = scripted(svc(), () => status(200));
    const err = await s.clock.run(fail(s.client.call(get, undefined, { timeoutMs: 0 })));
    expect(isDeadlineExceededError(err)).toBe(true);
    expect(err.attempts).toEqual([]);
    expect(err.notProcessed).toBe(true);
    expect(s.sent).toHaveLength(0);
  });

  it("the deadline covers attempts and pauses: a pause that would reach it is not taken", async () => {
    const s = scripted(svc(), () => status(503), {}, 1);
    const err = await s.clock.run(fail(s.client.call(get, undefined, { timeoutMs: 250 })));
    // t=0 send, t=1 503, pause 100, t=101 send, t=102 503, pause 200 would end at 302 ≥ 250: stop.
    expect(s.sent.map((x) => x.at)).toEqual([0, 101]);
    expect(isHttpError(err) && err.status).toBe(503);
    expect(s.clock.pendingTimers).toBe(0);
  });

  it("the deadline cuts a stalled attempt of a call that is not retried", async () => {
    const s = scripted(svc(), (x) => stall(x));
    const err = await s.clock.run(fail(s.client.call(post, { body: {} }, { timeoutMs: 300 })));
    expect(isDeadlineExceededError(err)).toBe(true);
    expect(s.clock.now()).toBe(300);
    expect(err.attempts.map((a) => a.outcome)).toEqual([{ kind: "timeout" }]);
    expect(err.notProcessed).toBe(false);
    expect(s.clock.pendingTimers).toBe(0);
  });

  it("without attempt_timeout_ms a retryable call's attempts share its deadline, so a stall is retried in time", async () => {
    // 10 s, 3 attempts, backoff 100 + 200 ms: each attempt gets (10 000 − 300) / 3 = 3 233 ms.
    const s = scripted(svc({ maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 2000, jitter: "none" }), (x, n) => (n === 1 ? stall(x) : status(200)));
    let attempts: readonly AttemptRecord[] = [];
    await s.clock.run(s.client.call(get, undefined, { timeoutMs: 10_000, onResponse: (i) => (attempts = i.attempts) }));
    expect(attempts.map((a) => [a.outcome.kind, a.durationMs, a.pauseMs])).toEqual([
      ["timeout", 3233, 100],
      ["status", 1, 0],
    ]);
    expect(s.sent.map((x) => x.at)).toEqual([0, 3333]);
    // A call that is not retried keeps the whole deadline; so does every call with "timeout" left out of retry_on.
    const p = scripted(svc({ maxAttempts: 3 }), (x) => stall(x));
    await p.clock.run(fail(p.client.call(post, { body: {} }, { timeoutMs: 10_000 })));
    expect(p.clock.now()).toBe(10_000);
    const t = scripted(svc({ maxAttempts: 3, retryOnTimeout: false }), (x) => stall(x));
    await t.clock.run(fail(t.client.call(get, undefined, { timeoutMs: 10_000 })));
    expect(t.clock.now()).toBe(10_000);
    expect(t.sent).toHaveLength(1);
  });

  it("the per-attempt timeout ends one attempt and the call retries", async () => {
    const s = scripted(svc({}, { attemptTimeoutMs: 50 }), (x, n) => (n === 1 ? stall(x) : status(200)));
    let attempts: readonly AttemptRecord[] = [];
    await s.clock.run(s.client.call(get, undefined, { onResponse: (i) => (attempts = i.attempts) }));
    expect(attempts.map((a) => [a.outcome.kind, a.durationMs])).toEqual([
      ["timeout", 50],
      ["status", 1],
    ]);
    expect(s.sent.map((x) => x.at)).toEqual([0, 150]);
  });

  it("an attempt timeout that is never retried surfaces as TimeoutError", async () => {
    const s = scripted(svc({ retryOnTimeout: false }, { attemptTimeoutMs: 50 }), (x) => stall(x));
    const err = await s.clock.run(fail(s.client.call(get, undefined)));
    expect(isTimeoutError(err)).toBe(true);
    expect(err.code).toBe("SVCGEN_TIMEOUT");
  });
});

describe("caller abort", () => {
  it("aborts an attempt in flight at once, sends nothing more and leaves no timer", async () => {
    const s = scripted(svc(), (x) => stall(x));
    const controller = new AbortController();
    const call = fail(s.client.call(get, undefined, { signal: controller.signal }));
    await s.clock.advance(10);
    controller.abort(new Error("user left"));
    const err = await s.clock.run(call);
    expect(isAbortError(err)).toBe(true);
    expect((err.cause as Error).message).toBe("user left");
    expect(s.clock.now()).toBe(10);
    expect(s.sent).toHaveLength(1);
    expect(s.clock.pendingTimers).toBe(0);
  });

  it("aborts a pause at once", async () => {
    const s = scripted(svc(), () => Promise.reject(new ConnectError()));
    const controller = new AbortController();
    const call = fail(s.client.call(get, undefined, { signal: controller.signal }));
    await s.clock.advance(50); // inside the first 100 ms pause
    controller.abort();
    const err = await s.clock.run(call);
    expect(isAbortError(err)).toBe(true);
    expect(s.sent).toHaveLength(1);
    expect(err.notProcessed).toBe(true); // the only attempt never connected
    expect(s.clock.pendingTimers).toBe(0);
  });

  it("leaves no listener on the caller's signal, whether the call succeeds or fails", async () => {
    const s = scripted(svc({}, { attemptTimeoutMs: 50 }), (_x, n) => status(n === 1 ? 503 : n === 2 ? 200 : 404));
    const controller = new AbortController();
    await s.clock.run(s.client.call(get, undefined, { signal: controller.signal }));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    await s.clock.run(fail(s.client.call(get, undefined, { signal: controller.signal })));
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    expect(s.clock.pendingTimers).toBe(0);
  });

  it("an already-aborted signal sends nothing", async () => {
    const s = scripted(svc(), () => status(200));
    const err = await s.clock.run(fail(s.client.call(get, undefined, { signal: AbortSignal.abort() })));
    expect(isAbortError(err)).toBe(true);
    expect(s.sent).toHaveLength(0);
  });
});

describe("retry budget", () => {
  it("during a full outage retries add at most budgetRatio of calls plus the floor", async () => {
    const events: string[] = [];
    const s = scripted(svc({ maxAttempts: 5, budgetRatio: 0.2, initialBackoffMs: 1, maxBackoffMs: 1 }), () => status(503), { onEvent: (e) => e.type === "budget_exhausted" && events.push(e.type) });
    const calls = 1000;
    for (let i = 0; i < calls; i++) await s.clock.run(fail(s.client.call(get, undefined)));
    // All within one 10 s window of virtual time: floor 10/s × 10 s + 0.2 × calls.
    expect(s.clock.now()).toBeLessThan(10_000);
    expect(s.sent.length - calls).toBe(100 + 0.2 * calls);
    expect(events.length).toBeGreaterThan(0);
  });
});

describe("real clock", () => {
  it("a deadline longer than setTimeout can hold does not fire at once", async () => {
    const { realClock } = await import("../../src/runtime/clock.js");
    let fired = false;
    const t = realClock.setTimer(() => (fired = true), 1e12);
    await new Promise((r) => setTimeout(r, 20));
    realClock.clearTimer(t);
    expect(fired).toBe(false);
  });
});
