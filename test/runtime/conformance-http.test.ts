// endpoint-failover-v1.json scenarios over real sockets: each endpoint is a node:http server on 127.0.0.1 (or a closed
// port for an endpoint whose results are `connect`), the client is the real one with undici. Every scenario runs
// except every_endpoint_misdirected_until_the_deadline, whose outcome hinges on 5 ms latencies against a 700 ms
// deadline: on real, shared machines that is a timing race, so it runs on the virtual clock only.
import { afterEach, describe, expect, it } from "vitest";
import type http from "node:http";
import { createServiceClientWith } from "../../src/runtime/index.js";
import type { AttemptRecord, ClientEvent, ServiceClient } from "../../src/runtime/index.js";
import { deadPort, startServer } from "./support/http.js";
import type { SeenRequest, TestServer } from "./support/http.js";
import { loadFixture, observedOf, outcomeOf, scenarioOperation, scenarioService } from "./support/fixture.js";
import type { CallResult, FixtureCall, Scenario, ScriptedAttempt } from "./support/fixture.js";

const fixture = loadFixture();
const RACY = new Set(["every_endpoint_misdirected_until_the_deadline"]);
const scenarios = fixture.scenarios.filter((s) => !RACY.has(s.name));

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

interface Step extends ScriptedAttempt {
  used: boolean;
}

async function runScenario(s: Scenario): Promise<void> {
  const scripts = new Map<string, Step[]>();
  const refused = (i: number): boolean => s.calls.every((c) => c.attempts.every((a) => a.endpoint !== i || a.result.kind === "connect")) && s.calls.some((c) => c.attempts.some((a) => a.endpoint === i));

  const answer = (i: number) => (req: SeenRequest, res: http.ServerResponse, raw: http.IncomingMessage) => {
    const id = String(req.headers["x-script-call"]);
    const step = scripts.get(id)?.find((st) => !st.used && st.endpoint === i && st.result.kind !== "connect");
    if (step === undefined) {
      res.writeHead(599).end(`endpoint ${i}: unscripted attempt for call ${id}`);
      return;
    }
    step.used = true;
    const r = step.result;
    if (r.kind === "stall") return; // never answers; the attempt timeout ends it
    if (r.kind === "reset") {
      raw.socket.resetAndDestroy();
      return;
    }
    if (r.kind === "status") res.writeHead(r.status, r.retry_after_s !== undefined ? { "retry-after": String(r.retry_after_s) } : {}).end();
  };

  const servers: (TestServer | undefined)[] = [];
  const origins: string[] = [];
  for (let i = 0; i < s.endpoints; i++) {
    if (refused(i)) {
      servers.push(undefined);
      origins.push(`http://127.0.0.1:${await deadPort()}`);
    } else {
      const server = await startServer(answer(i));
      cleanup.push(() => server.close());
      servers.push(server);
      origins.push(server.origin);
    }
  }
  const index = (origin: string): number => origins.indexOf(origin);
  let draws: number[] = [];
  const clientEvents: ClientEvent[] = [];
  const client: ServiceClient = createServiceClientWith(scenarioService(s, origins), { env: {}, onEvent: (e) => clientEvents.push(e) }, {
    random: () => {
      const d = draws.shift();
      if (d === undefined) throw new Error("a jitter draw the fixture does not list");
      return d;
    },
  });
  cleanup.unshift(() => client.close());
  const operation = scenarioOperation(s);

  const run = async (id: string, c: FixtureCall): Promise<{ result: CallResult; own: ClientEvent[] }> => {
    scripts.set(id, c.attempts.map((a) => ({ ...a, used: false })));
    const own: ClientEvent[] = [];
    try {
      let status = -1;
      let attempts: readonly AttemptRecord[] = [];
      await client.call(operation, undefined, {
        headers: { "x-script-call": id },
        onEvent: (e) => own.push(e),
        onResponse: (info) => ((status = info.status), (attempts = info.attempts)),
        ...(s.request.accept_status ? { acceptStatus: s.request.accept_status } : {}),
      });
      return { result: { ok: true, status, attempts }, own };
    } catch (error) {
      return { result: { ok: false, error }, own };
    }
  };

  const check = (id: string, c: FixtureCall, result: CallResult, own: ClientEvent[]): void => {
    const records = result.ok ? result.attempts : ((result.error as { attempts?: readonly AttemptRecord[] }).attempts ?? []);
    expect(records.map((r) => index(r.endpoint)), `call ${id}: endpoints in send order`).toEqual(c.attempts.map((a) => a.endpoint));
    expect(records.map((r) => r.pauseMs), `call ${id}: pauses`).toEqual(c.attempts.map((a) => (a.next?.kind === "after" ? a.next.pause_ms : 0)));
    expect(scripts.get(id)!.filter((st) => !st.used && st.result.kind !== "connect"), `call ${id}: every answer the servers were to give`).toEqual([]);
    expect(observedOf(own, index), `call ${id}: observer`).toEqual(c.observed);
    expect(outcomeOf(result, index), `call ${id}: outcome`).toEqual(c.outcome);
  };
  const preferred = (): number => index(client.describe().preferred!);

  if (s.concurrent === true) {
    const results = await Promise.all(s.calls.map((c, i) => run(String(i), c)));
    results.forEach(({ result, own }, i) => check(String(i), s.calls[i]!, result, own));
    s.calls.forEach((c) => expect(preferred()).toBe(c.preferred_after));
  } else {
    for (const [i, c] of s.calls.entries()) {
      expect(preferred()).toBe(c.preferred_before);
      draws = [...(c.draws ?? [])];
      const { result, own } = await run(String(i), c);
      check(String(i), c, result, own);
      expect(draws).toEqual([]);
      expect(preferred()).toBe(c.preferred_after);
    }
  }
  // What the servers saw: exactly the fixture's non-connect attempts, per endpoint.
  servers.forEach((server, i) => {
    if (server === undefined) return;
    const expected = s.calls.flatMap((c) => c.attempts).filter((a) => a.endpoint === i).length;
    expect(server.requests.length, `endpoint ${i}: requests seen`).toBe(expected);
  });
}

describe("endpoint-failover-v1 scenarios (real sockets)", () => {
  it("runs far more than the required four scenarios", () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(4);
  });

  it.each(scenarios.map((s) => [s.name, s] as const))("%s", async (_name, s) => {
    await runScenario(s);
  });
});
