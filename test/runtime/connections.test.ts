// The client's own connections (one undici Pool per endpoint): connection age is capped so that keep-alive does not
// pin traffic to the pods that existed when a connection opened, and close() leaves no socket open.
import { afterEach, describe, expect, it } from "vitest";
import { createServiceClientWith } from "../../src/runtime/index.js";
import type { ServiceClient, ServiceDefinition } from "../../src/runtime/index.js";
import { Pod, until } from "./support/pods.js";
import { op, service } from "./support/service.js";
import { VirtualClock } from "./support/virtual-clock.js";

const work = op("work", "GET", "/work");
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function pod(): Promise<Pod> {
  const p = await Pod.start("pod");
  cleanup.push(() => p.kill());
  return p;
}

// Connection age runs on the client's clock: a virtual one ages connections without waiting.
const clock = new VirtualClock();

function client(def: ServiceDefinition, maxConnectionAgeMs?: number): ServiceClient {
  const c = createServiceClientWith(def, { env: {}, ...(maxConnectionAgeMs !== undefined ? { maxConnectionAgeMs } : {}) }, { clock });
  cleanup.push(() => c.close());
  return c;
}

const pause = (ms: number): Promise<void> => clock.advance(ms);

describe("connection age", () => {
  it("a connection older than maxConnectionAgeMs is not reused: the next request opens a new one", async () => {
    const p = await pod();
    const c = client(service(p.origin), 100);
    await c.call(work, undefined);
    await c.call(work, undefined);
    const opened = p.connections;
    await pause(250); // older than the cap now (an idle keep-alive connection would live for 4 s)
    await c.call(work, undefined);
    expect(p.connections).toBe(opened + 1);
    expect(p.seen.at(-1)!.remotePort).not.toBe(p.seen[0]!.remotePort);
    // The aged connection is closed, not just left idle.
    await until(() => p.sockets.size === 1, "the aged connection to close");
  });

  it("without a cap the same keep-alive connection carries every request", async () => {
    const p = await pod();
    const c = client(service(p.origin), 0);
    await c.call(work, undefined);
    await pause(250);
    await c.call(work, undefined);
    expect(p.connections).toBe(1);
    expect(p.seen[1]!.remotePort).toBe(p.seen[0]!.remotePort);
  });

  it("the definition's maxConnectionAgeMs applies when the option is not given", async () => {
    const p = await pod();
    const def = service(p.origin, { discovery: { maxConnectionAgeMs: 100 } });
    const c = client(def);
    await c.call(work, undefined);
    await pause(250);
    await c.call(work, undefined);
    expect(p.connections).toBe(2);
    expect(p.seen[1]!.remotePort).not.toBe(p.seen[0]!.remotePort);
  });

  it("close() closes every connection the client opened", async () => {
    const a = await pod();
    const b = await pod();
    const def = service(a.origin, { endpoints: [a, b].map((p) => ({ scheme: "http" as const, host: p.host, port: p.port })) });
    const c = client(def);
    for (let i = 0; i < 4; i++) await c.call(work, undefined);
    expect([a.sockets.size, b.sockets.size]).toEqual([1, 1]);
    await c.close();
    await a.socketsClosed("client sockets to a to close");
    await b.socketsClosed("client sockets to b to close");
  });
});
