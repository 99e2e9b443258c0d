// endpoint-failover-v1.json, every row, on a virtual clock: the client's real chain (createServiceClientWith) with a
// scripted transport as its innermost handler and the fixture's draws as its jitter source.
import { describe, expect, it } from "vitest";
import { ConnectError, ResetError, createServiceClientWith, provesNotProcessed, validateEndpointSet } from "../../src/runtime/index.js";
import { sleep } from "../../src/runtime/clock.js";
import type { Handler } from "../../src/runtime/chain.js";
import type { TransportResponse } from "../../src/runtime/response.js";
import type { AttemptRecord, ClientEvent } from "../../src/runtime/index.js";
import { loadFixture, observedOf, outcomeOf, scenarioOperation, scenarioService } from "./support/fixture.js";
import type { CallResult, FixtureCall, Scenario, ScriptedAttempt } from "./support/fixture.js";
import { VirtualClock } from "./support/virtual-clock.js";

const fixture = loadFixture();

describe("endpoint-failover-v1 reasons", () => {
  it.each(fixture.reasons.map((r) => [r.label, r] as const))("%s", (_label, row) => {
    expect(provesNotProcessed(row.reason)).toBe(row.proves_not_processed);
  });
});

describe("endpoint-failover-v1 validation", () => {
  it.each(fixture.validation.map((r) => [r.name, r] as const))("%s", (_name, row) => {
    let endpoints: string[] | undefined;
    let problem: unknown;
    try {
      endpoints = validateEndpointSet(row.base, row.failover).map((e) => e.origin);
    } catch (e) {
      problem = (e as { problem?: unknown }).problem;
    }
    if (row.endpoints !== undefined) {
      expect(endpoints).toEqual(row.endpoints);
    } else {
      expect(problem).toMatchObject(row.error!);
    }
  });
});

interface LogEntry {
  readonly call: string;
  readonly endpoint: number;
  readonly start: number;
  end: number;
}

function respond(step: ScriptedAttempt, x: Parameters<Handler>[0]): TransportResponse {
  const result = step.result;
  const context = { service: x.call.service, operation: x.call.op.id, endpoint: x.endpoint?.origin };
  if (result.kind === "connect") throw new ConnectError(context);
  if (result.kind === "reset") throw new ResetError(context);
  if (result.kind === "stall") throw new Error("unreachable: a stall ends by abort");
  const rawHeaders = result.retry_after_s !== undefined ? ["retry-after", String(result.retry_after_s)] : [];
  return { status: result.status, rawHeaders, body: undefined };
}

async function runScenario(s: Scenario): Promise<void> {
  const clock = new VirtualClock();
  const origins = Array.from({ length: s.endpoints }, (_, i) => `http://endpoint-${i}.test:${8000 + i}`);
  const index = (origin: string): number => origins.indexOf(origin);
  const scripts = new Map<string, ScriptedAttempt[]>();
  const log: LogEntry[] = [];
  let draws: number[] = [];

  const transport: Handler = async (x) => {
    const id = x.call.request.headers["x-script-call"]!;
    const step = scripts.get(id)?.shift();
    const entry: LogEntry = { call: id, endpoint: x.endpoint!.index, start: clock.now(), end: NaN };
    log.push(entry);
    try {
      if (step === undefined) throw new Error(`call ${id}: an attempt the fixture does not list (endpoint ${entry.endpoint})`);
      if (step.result.kind === "stall") {
        const signal = x.signal;
        if (signal === undefined) throw new Error("a stall needs an attempt timeout or a deadline");
        await new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
      }
      await sleep(clock, step.latency_ms ?? 1, x.signal);
      return respond(step, x);
    } finally {
      entry.end = clock.now();
    }
  };

  const clientEvents: ClientEvent[] = [];
  const client = createServiceClientWith(
    scenarioService(s, origins),
    { env: {}, onEvent: (e) => clientEvents.push(e) },
    {
      clock,
      transport,
      random: () => {
        const d = draws.shift();
        if (d === undefined) throw new Error("a jitter draw the fixture does not list");
        return d;
      },
    },
  );
  const operation = scenarioOperation(s);

  const run = async (id: string, c: FixtureCall): Promise<{ result: CallResult; own: ClientEvent[] }> => {
    scripts.set(id, [...c.attempts]);
    const own: ClientEvent[] = [];
    let result: CallResult;
    try {
      let status = -1;
      let attempts: readonly AttemptRecord[] = [];
      await client.call(operation, undefined, {
        headers: { "x-script-call": id },
        onEvent: (e) => own.push(e),
        onResponse: (info) => ((status = info.status), (attempts = info.attempts)),
        ...(s.request.accept_status ? { acceptStatus: s.request.accept_status } : {}),
      });
      result = { ok: true, status, attempts };
    } catch (error) {
      result = { ok: false, error };
    }
    return { result, own };
  };

  const check = (id: string, c: FixtureCall, result: CallResult, own: ClientEvent[]): void => {
    const mine = log.filter((l) => l.call === id);
    expect(mine.map((l) => l.endpoint), `call ${id}: endpoints in send order`).toEqual(c.attempts.map((a) => a.endpoint));
    expect(scripts.get(id), `call ${id}: every scripted attempt sent`).toEqual([]);
    // Timing: attempt durations, and when the next attempt went out.
    c.attempts.forEach((a, i) => {
      const entry = mine[i]!;
      const took = a.result.kind === "stall" ? s.attempt_timeout_ms : (a.latency_ms ?? 1);
      expect(entry.end - entry.start, `call ${id} attempt ${i + 1}: duration`).toBe(took);
      if (a.next !== undefined) {
        const gap = mine[i + 1]!.start - entry.end;
        expect(gap, `call ${id} attempt ${i + 1}: next attempt`).toBe(a.next.kind === "now" ? 0 : a.next.pause_ms);
      }
    });
    const records = result.ok ? result.attempts : ((result.error as { attempts?: readonly AttemptRecord[] }).attempts ?? []);
    expect(records.map((r) => r.pauseMs), `call ${id}: recorded pauses`).toEqual(c.attempts.map((a) => (a.next?.kind === "after" ? a.next.pause_ms : 0)));
    expect(observedOf(own, index), `call ${id}: the request's observer`).toEqual(c.observed);
    expect(outcomeOf(result, index), `call ${id}: outcome`).toEqual(c.outcome);
  };

  const preferred = (): number => index(client.describe().preferred!);

  if (s.concurrent === true) {
    s.calls.forEach((c) => expect(preferred()).toBe(c.preferred_before));
    const results = await clock.run(Promise.all(s.calls.map((c, i) => run(String(i), c))));
    results.forEach(({ result, own }, i) => check(String(i), s.calls[i]!, result, own));
    // The client's observer hears the union of every call's reports, in no order across calls.
    const key = (o: unknown): string => JSON.stringify(o);
    expect(observedOf(clientEvents, index).map(key).sort()).toEqual(s.calls.flatMap((c) => c.observed).map(key).sort());
    s.calls.forEach((c) => expect(preferred()).toBe(c.preferred_after));
  } else {
    for (const [i, c] of s.calls.entries()) {
      expect(preferred(), `call ${i}: preferred before`).toBe(c.preferred_before);
      draws = [...(c.draws ?? [])];
      const seen = clientEvents.length;
      const { result, own } = await clock.run(run(String(i), c));
      check(String(i), c, result, own);
      expect(draws, `call ${i}: every draw used`).toEqual([]);
      expect(observedOf(clientEvents.slice(seen), index), `call ${i}: the client's observer`).toEqual(c.observed);
      expect(preferred(), `call ${i}: preferred after`).toBe(c.preferred_after);
    }
  }
  expect(clock.pendingTimers, "no timer left behind").toBe(0);
  await client.close();
}

describe("endpoint-failover-v1 scenarios (virtual clock)", () => {
  it("has every scenario and call the fixture promises", () => {
    expect(fixture.scenarios).toHaveLength(20);
    expect(fixture.scenarios.reduce((n, s) => n + s.calls.length, 0)).toBe(25);
    expect(fixture.validation).toHaveLength(12);
  });

  it.each(fixture.scenarios.map((s) => [s.name, s] as const))("%s", async (_name, s) => {
    await runScenario(s);
  });
});
