// discovery = "headless" against real parts: "pods" are node:http servers on loopback, the cluster DNS is a real dns2
// server on 127.0.0.1 whose records the tests change while traffic runs. Waits are event-based with generous
// deadlines; assertions are about what the servers and the client saw, never about how long anything took.
import { readFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Agent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { createServiceClient, createServiceClientWith, isNoEndpointsError } from "../../src/runtime/index.js";
import type { ClientEvent, ClientOptions, ServiceClient, ServiceDefinition } from "../../src/runtime/index.js";
import { TestDns } from "./support/dns.js";
import { EventLog, Pod, traffic, until } from "./support/pods.js";
import { op, service } from "./support/service.js";
import { VirtualClock } from "./support/virtual-clock.js";

const NAME = "users-api-headless.prod.svc.cluster.local";
const SRV = `_http._tcp.${NAME}`;
const HOST = "users-api.prod.svc.cluster.local:8080";
const work = op("work", "GET", "/work");

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function dnsServer(): Promise<TestDns> {
  const dns = await TestDns.start();
  cleanup.push(() => dns.close());
  return dns;
}

async function pods(n: number, from = 1): Promise<Pod[]> {
  const out: Pod[] = [];
  for (let i = from; i < from + n; i++) {
    const pod = await Pod.start(`pod-${i}`);
    cleanup.push(() => pod.kill());
    out.push(pod);
  }
  return out;
}

/** What a headless Service answers for these pods: SRV per pod (ports differ on loopback), A per pod name. */
function publish(dns: TestDns, set: readonly Pod[]): void {
  dns.srv(SRV, set.map((p) => ({ target: `${p.name}.${NAME}`, port: p.port })));
  for (const p of set) dns.address(`${p.name}.${NAME}`, [p.host]);
  dns.address(NAME, [...new Set(set.map((p) => p.host))]);
}

function headless(dns: TestDns, o: Parameters<typeof service>[1] = {}, url = "http://users-api:8080"): ServiceDefinition {
  return service(url, {
    namespace: "prod",
    ...o,
    discovery: { kind: "headless", headlessName: "users-api-headless", dnsServers: [dns.server], refreshMs: 100, ...o.discovery },
    retry: { initialBackoffMs: 1, maxBackoffMs: 10, ...o.retry },
  });
}

function client(def: ServiceDefinition, options: ClientOptions = {}): ServiceClient {
  const c = createServiceClient(def, { env: {}, ...options });
  cleanup.push(() => c.close());
  return c;
}

const origins = (e: ClientEvent, key: "added" | "removed" | "endpoints"): string[] => e[key] as string[];

describe("headless discovery", () => {
  it("sends to every pod found through SRV, with the service's Host header", async () => {
    const dns = await dnsServer();
    const set = await pods(3);
    publish(dns, set);
    const log = new EventLog();
    const c = client(headless(dns), { onEvent: log.hook });
    for (let i = 0; i < 30; i++) await c.call(work, undefined);
    expect(set.map((p) => p.count("/work"))).toEqual([10, 10, 10]);
    expect(new Set(set.flatMap((p) => p.seen.map((s) => s.headers.host)))).toEqual(new Set([HOST]));
    const first = log.of("endpoints_changed")[0]!;
    expect(new Set(origins(first, "added"))).toEqual(new Set(set.map((p) => p.origin)));
    const d = c.describe();
    expect(d.source).toBe("headless");
    expect(d.baseUrl).toBe(`http://${NAME}:8080`);
    expect(new Set(d.endpoints)).toEqual(new Set(set.map((p) => p.origin)));
    expect(d.discovery).toEqual({ kind: "headless", dnsName: NAME, srvName: SRV, dnsServers: [dns.server], refreshMs: 100, lastError: undefined });
  });

  it("A and AAAA records without SRV: every address on the configured port, IPv4 and IPv6", async () => {
    const dns = await dnsServer();
    // One port on three loopback addresses, as pods share a container port. (::1 when the machine has IPv6.)
    let v6 = true;
    let set: Pod[] = [];
    for (let tries = 0; set.length < 3 && tries < 5; tries++) {
      for (const p of set) await p.kill();
      set = [await Pod.start("v6", undefined, "::1").catch(() => ((v6 = false), Pod.start("v4-a", undefined, "127.0.0.4")))];
      for (const host of ["127.0.0.2", "127.0.0.3"]) {
        // Another process may hold this port on that address: then start over on a new port.
        const pod = await Pod.start(`at-${host}`, undefined, host, set[0]!.port).catch(() => undefined);
        if (pod === undefined) break;
        set.push(pod);
      }
    }
    for (const p of set) cleanup.push(() => p.kill());
    expect(set).toHaveLength(3);
    const first = set[0]!;
    dns.address(NAME, set.map((p) => p.host));
    const c = client(headless(dns, {}, `http://users-api:${first.port}`));
    for (let i = 0; i < 30; i++) await c.call(work, undefined);
    expect(set.map((p) => p.count("/work"))).toEqual([10, 10, 10]);
    expect(new Set(c.describe().endpoints)).toEqual(new Set(set.map((p) => p.origin)));
    expect(set[0]!.seen[0]!.headers.host).toBe(`users-api.prod.svc.cluster.local:${first.port}`);
    if (v6) expect(c.describe().endpoints).toContain(`http://[::1]:${first.port}`);
  });

  it("scale up: a new pod gets traffic from the first refresh after DNS lists it", async () => {
    const dns = await dnsServer();
    const set = await pods(3);
    publish(dns, set);
    let mark = 0;
    const refreshesWhenSeen: number[] = [];
    const log = new EventLog();
    const c = client(headless(dns), {
      onEvent: (e) => {
        // Counted as the event fires: the refresh that produced it is the last one started.
        if (e.type === "endpoints_changed") refreshesWhenSeen.push(dns.count(SRV, "SRV", mark));
        log.hook(e);
      },
    });
    const load = traffic(4, () => c.call(work, undefined));
    await until(() => load.done() >= 60, "traffic to the first three pods");
    const [fourth] = await pods(1, 4);
    const seen = log.events.length;
    mark = dns.queries.length;
    publish(dns, [...set, fourth!]);
    const added = await log.next("endpoints_changed", (e) => origins(e, "added").includes(fourth!.origin), seen);
    expect(origins(added, "endpoints")).toHaveLength(4);
    expect(refreshesWhenSeen.at(-1), "applied by the first refresh after the change").toBe(1);
    await until(() => fourth!.count("/work") >= 10, "traffic to the new pod");
    await load.stop();
    expect(load.failures).toEqual([]);
    expect(set.every((p) => p.count("/work") > 0)).toBe(true);
  });

  it("scale down: a pod that dies under traffic costs no request that could have gone elsewhere", async () => {
    const dns = await dnsServer();
    const set = await pods(3);
    publish(dns, set);
    const log = new EventLog();
    const c = client(headless(dns), { onEvent: log.hook });
    const load = traffic(4, () => c.call(work, undefined));
    await until(() => load.done() >= 60, "traffic to three pods");
    const gone = set[1]!;
    // Worst order: the pod dies first (in-flight requests reset, new ones refused), DNS catches up later.
    await gone.kill();
    const seen = log.events.length;
    publish(dns, [set[0]!, set[2]!]);
    await log.next("endpoints_changed", (e) => origins(e, "removed").includes(gone.origin), seen);
    const after = load.done();
    const counts = [set[0]!.count(), set[2]!.count()];
    await until(() => load.done() >= after + 100, "traffic after the scale-down");
    await load.stop();
    expect(load.failures).toEqual([]);
    expect(set[0]!.count()).toBeGreaterThan(counts[0]!);
    expect(set[2]!.count()).toBeGreaterThan(counts[1]!);
    expect(c.describe().endpoints).not.toContain(gone.origin);
  });

  it("closes idle connections to a pod that left the set, and keeps the others", async () => {
    const dns = await dnsServer();
    const set = await pods(3);
    publish(dns, set);
    const log = new EventLog();
    const c = client(headless(dns), { onEvent: log.hook });
    for (let i = 0; i < 30; i++) await c.call(work, undefined);
    expect(set.map((p) => p.sockets.size > 0)).toEqual([true, true, true]);
    const seen = log.events.length;
    publish(dns, [set[0]!, set[2]!]);
    await log.next("endpoints_changed", (e) => origins(e, "removed").includes(set[1]!.origin), seen);
    // The pod is still up: only the client can have closed these keep-alive connections.
    await set[1]!.socketsClosed("the removed pod's connections to close");
    expect(set[0]!.sockets.size).toBeGreaterThan(0);
    expect(set[2]!.sockets.size).toBeGreaterThan(0);
    for (let i = 0; i < 10; i++) await c.call(work, undefined);
    expect(set[1]!.count("/work")).toBe(10);
  });

  it("all pods gone (NXDOMAIN): calls fail at once with a clear error and send nothing; pods back, traffic back", async () => {
    const dns = await dnsServer();
    const set = await pods(2);
    publish(dns, set);
    const log = new EventLog();
    const c = client(headless(dns), { onEvent: log.hook });
    await c.call(work, undefined);
    let seen = log.events.length;
    for (const name of [NAME, SRV, ...set.map((p) => `${p.name}.${NAME}`)]) dns.remove(name);
    await log.next("endpoints_changed", (e) => origins(e, "endpoints").length === 0, seen);
    const served = set.reduce((n, p) => n + p.count(), 0);
    for (let i = 0; i < 5; i++) {
      const err = await c.call(work, undefined).then(() => undefined, (e: unknown) => e);
      expect(isNoEndpointsError(err)).toBe(true);
      if (!isNoEndpointsError(err)) return;
      expect(err.code).toBe("SVCGEN_NO_ENDPOINTS");
      expect(err.reason).toBe("not_found");
      expect([err.dnsName, err.dnsCode]).toEqual([NAME, "ENOTFOUND"]);
      expect(err.message).toBe(`users_service.work: no endpoint to send to: ${NAME} does not exist (DNS NXDOMAIN): the headless Service has no ready pod; nothing was sent`);
      expect(err.attempts).toEqual([]);
      expect(err.notProcessed).toBe(true);
    }
    expect(set.reduce((n, p) => n + p.count(), 0)).toBe(served);
    seen = log.events.length;
    publish(dns, set);
    await log.next("endpoints_changed", (e) => origins(e, "endpoints").length === 2, seen);
    await c.call(work, undefined);
  });

  it("an empty answer (the name exists, no records) is no_records, just as fast", async () => {
    const dns = await dnsServer();
    const set = await pods(1);
    publish(dns, set);
    const log = new EventLog();
    const c = client(headless(dns), { onEvent: log.hook });
    await c.call(work, undefined);
    const seen = log.events.length;
    dns.address(NAME, []);
    dns.srv(SRV, []);
    await log.next("endpoints_changed", (e) => origins(e, "endpoints").length === 0, seen);
    const err = await c.call(work, undefined).then(() => undefined, (e: unknown) => e);
    expect(isNoEndpointsError(err) && [err.reason, err.dnsCode]).toEqual(["no_records", "ENODATA"]);
  });

  it("DNS down (SERVFAIL, then refused): the last good set keeps working; DNS back, changes apply again", async () => {
    const dns = await dnsServer();
    const set = await pods(3);
    publish(dns, set);
    const log = new EventLog();
    const c = client(headless(dns), { onEvent: log.hook });
    const load = traffic(4, () => c.call(work, undefined));
    await until(() => load.done() >= 30, "traffic before the DNS outage");

    let seen = log.events.length;
    dns.mode = "servfail";
    const servfail = await log.next("discovery_failed", (e) => e["code"] === "ESERVFAIL", seen);
    expect(servfail).toMatchObject({ dnsName: NAME, keeping: 3 });
    let counts = set.map((p) => p.count());
    await until(() => set.every((p, i) => p.count() >= counts[i]! + 10), "traffic to every pod while DNS fails");
    expect(c.describe().discovery.lastError).toMatch(/^ESERVFAIL: /);

    seen = log.events.length;
    dns.mode = "ok";
    await dns.stop();
    await log.next("discovery_failed", (e) => e["code"] === "ECONNREFUSED", seen);
    counts = set.map((p) => p.count());
    await until(() => set.every((p, i) => p.count() >= counts[i]! + 10), "traffic to every pod while DNS is unreachable");
    expect(c.describe().endpoints).toHaveLength(3);

    seen = log.events.length;
    await dns.start();
    publish(dns, [set[0]!, set[1]!]);
    await log.next("endpoints_changed", (e) => origins(e, "endpoints").length === 2, seen);
    expect(c.describe().discovery.lastError).toBeUndefined();
    await load.stop();
    expect(load.failures).toEqual([]);
  });

  it("DNS unreachable from the start: calls fail fast with dns_error until it answers", async () => {
    const dns = await dnsServer();
    const set = await pods(2);
    publish(dns, set);
    await dns.stop();
    const log = new EventLog();
    const c = client(headless(dns), { onEvent: log.hook });
    const err = await c.call(work, undefined).then(() => undefined, (e: unknown) => e);
    expect(isNoEndpointsError(err) && [err.reason, err.dnsCode, err.dnsName]).toEqual(["dns_error", "ECONNREFUSED", NAME]);
    await dns.start();
    await log.next("endpoints_changed", (e) => origins(e, "endpoints").length === 2);
    expect(await c.call(work, undefined)).toEqual({ pod: expect.stringMatching(/^pod-/) });
  });

  it("re-resolves soon after a connect error, not only on the interval", async () => {
    const dns = await dnsServer();
    const set = await pods(2);
    publish(dns, set);
    const log = new EventLog();
    // A refresh interval far beyond the test: only the connect error can trigger the re-resolve.
    const c = client(headless(dns, { discovery: { refreshMs: 3_600_000 } }), { onEvent: log.hook });
    await c.call(work, undefined);
    await c.call(work, undefined);
    const [third] = await pods(1, 3);
    await set[0]!.kill();
    publish(dns, [set[1]!, third!]);
    const seen = log.events.length;
    for (let i = 0; i < 4; i++) await c.call(work, undefined);
    await log.next("endpoints_changed", (e) => origins(e, "added").includes(third!.origin), seen);
    expect(dns.count(SRV, "SRV")).toBe(2);
  });

  it("close() clears every timer and stops querying DNS", async () => {
    const dns = await dnsServer();
    publish(dns, await pods(2));
    const clock = new VirtualClock();
    const log = new EventLog();
    const c = createServiceClientWith(headless(dns), { env: {}, onEvent: log.hook }, { clock });
    await log.next("endpoints_changed");
    await until(() => clock.pendingTimers === 1, "the next refresh to be scheduled");
    await c.close();
    expect(clock.pendingTimers).toBe(0);
    const queries = dns.queries.length;
    // Every runtime timer is on the client's clock: a minute of it passing after close() sends no query.
    await clock.advance(60_000);
    expect(dns.queries.length).toBe(queries);
  });
});

describe("headless over TLS", () => {
  const TLS_DIR = fileURLToPath(new URL("../fixtures/tls/", import.meta.url));
  // A self-signed certificate for auth-api.default.svc.cluster.local only (not for 127.0.0.1).
  const key = readFileSync(path.join(TLS_DIR, "auth-api.key"));
  const cert = readFileSync(path.join(TLS_DIR, "auth-api.crt"));

  it("requests go to the pod address while TLS verifies, and Host names, the service", async () => {
    const dns = await dnsServer();
    const seen: string[] = [];
    const server = https.createServer({ key, cert }, (req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.host}`);
      res.setHeader("content-type", "application/json");
      res.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    const name = "auth-api-headless.default.svc.cluster.local";
    dns.srv(`_https._tcp.${name}`, [{ target: `pod.${name}`, port }]);
    dns.address(`pod.${name}`, ["127.0.0.1"]);
    dns.address(name, ["127.0.0.1"]);
    const def = service("https://auth-api:8443", {
      namespace: "default",
      discovery: { kind: "headless", headlessName: "auth-api-headless", dnsServers: [dns.server], refreshMs: 100 },
    });
    // The CA comes in through the caller's dispatcher; the server name comes from the service, not the pod address.
    const agent = new Agent({ connect: { ca: cert } });
    cleanup.push(() => agent.close());
    const c = client(def, { dispatcher: agent });
    await c.call(work, undefined);
    expect(c.describe().endpoints).toEqual([`https://127.0.0.1:${port}`]);
    expect(seen).toEqual(["GET /work auth-api.default.svc.cluster.local:8443"]);
  });
});
