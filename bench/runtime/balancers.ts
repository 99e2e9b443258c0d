// Balancer benchmark: `npx tsx bench/runtime/balancers.ts` (options: --seconds=N per round, --rounds=N,
// --concurrency=N, --only=kind,kind).
// Three endpoints (three HTTP servers in one child process, so they do not share the client's event loop). For raw
// undici BalancedPool and for a svcgen client under each balancer, in the same run: throughput with CONCURRENCY calls
// in flight, and the p50/p99 latency of the calls of that run. Rounds are interleaved and the median round reported,
// since the machine is shared and noisy. Target: every balancer ≥ 0.9× BalancedPool's throughput.
// The svcgen clients run with every policy on (deadline, retry + budget, service and endpoint breakers, events wired
// but unobserved), as `svcgen gen` emits them: the ratio is the cost of the whole client, balancer included.
import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { BalancedPool } from "undici";
import { createServiceClient } from "../../src/runtime/index.js";
import type { LoadBalancerKind, OperationDefinition, ServiceDefinition } from "../../src/runtime/index.js";

const arg = (name: string, fallback: number): number => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : Number(hit.split("=")[1]);
};
const SECONDS = arg("seconds", 1);
const ROUNDS = arg("rounds", 11);
const CONCURRENCY = arg("concurrency", 32);
const MAX_SAMPLES = 1 << 20;
const ALL_KINDS: readonly LoadBalancerKind[] = ["round_robin", "health_aware", "consistent_hash", "least_request", "failover"];
// --only=round_robin,failover measures a subset (BalancedPool always runs).
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length).split(",");
const KINDS = only === undefined ? ALL_KINDS : ALL_KINDS.filter((k) => only.includes(k));

async function startChildServers(): Promise<{ origins: string[]; stop: () => void }> {
  const child = fork(path.join(import.meta.dirname, "balancers.ts"), ["--serve"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ports = await new Promise<number[]>((resolve) => child.once("message", (m) => resolve(m as number[])));
  return { origins: ports.map((p) => `http://127.0.0.1:${p}`), stop: () => child.kill() };
}

function definition(origins: readonly string[], kind: LoadBalancerKind): ServiceDefinition {
  const endpoints = origins.map((o) => {
    const u = new URL(o);
    return { scheme: "http" as const, host: u.hostname, port: Number(u.port) };
  });
  return {
    name: "bench_service",
    url: origins[0]!,
    scheme: "http",
    host: endpoints[0]!.host,
    port: endpoints[0]!.port,
    basePath: "",
    discovery: { kind: "static", endpoints, dnsServers: [] },
    policy: {
      timeoutMs: 10_000,
      connectTimeoutMs: 2_000,
      retry: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 5, jitter: "full", retryOnConnect: true, retryOnTimeout: true, retryOnStatus: [429, 502, 503, 504], budgetRatio: 0.2 },
      circuitBreaker: { enabled: true, mode: "consecutive", failureThreshold: 5, openMs: 30_000, halfOpenRequests: 1 },
      loadBalancer: kind,
      ...(kind === "consistent_hash" ? { hashHeader: "x-user-id" } : {}),
    },
    healthPath: "/health",
    readyPath: "/ready",
  };
}

const getUser: OperationDefinition = { id: "getUser", method: "GET", path: "/users/{id}", idempotent: true, params: [{ name: "x-user-id", in: "header", style: "simple", explode: false }], response: "json" };

type Once = (i: number) => Promise<unknown>;

interface Round {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** Client CPU (user + system) per call, µs: less sensitive than req/s to what else the machine runs. */
  readonly cpu: number;
}

const samples = new Float64Array(MAX_SAMPLES);

/** CONCURRENCY loops for SECONDS; every call's latency (µs) is kept. */
async function measure(once: Once): Promise<Round> {
  const end = performance.now() + SECONDS * 1000;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const t = performance.now();
      await once(done);
      if (done < MAX_SAMPLES) samples[done] = (performance.now() - t) * 1000;
      done++;
    }
  };
  const start = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const used = process.cpuUsage(cpu);
  const rps = done / ((performance.now() - start) / 1000);
  const kept = samples.subarray(0, Math.min(done, MAX_SAMPLES)).sort();
  return { rps, p50: kept[Math.floor(kept.length * 0.5)]!, p99: kept[Math.floor(kept.length * 0.99)]!, cpu: (used.user + used.system) / done };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  console.log(`node ${process.version}, 3 endpoints, ${SECONDS}s × ${ROUNDS} rounds, ${CONCURRENCY} in flight`);
  const servers = await startChildServers();
  const pool = new BalancedPool(servers.origins, { keepAliveTimeout: 60_000 });
  const clients = KINDS.map((kind) => [kind, createServiceClient(definition(servers.origins, kind), { env: {} })] as const);

  const contenders: [string, Once][] = [
    [
      "undici BalancedPool (raw)",
      async () => {
        const res = await pool.request({ path: "/users/1", method: "GET" });
        return res.body.json();
      },
    ],
    [
      // For reference: the same pool sending what a svcgen call puts on the wire (x-request-id, accept, x-user-id).
      "BalancedPool + same headers",
      async (i) => {
        const headers = { "x-user-id": `user-${i & 1023}`, "x-request-id": randomUUID(), accept: "application/json" };
        const res = await pool.request({ path: "/users/1", method: "GET", headers });
        return res.body.json();
      },
    ],
  ];
  for (const [kind, client] of clients) {
    contenders.push([`svcgen ${kind}`, (i) => client.call(getUser, { path: { id: 1 }, headers: { "x-user-id": `user-${i & 1023}` } })]);
  }

  for (const [, once] of contenders) for (let i = 0; i < 3000; i++) await once(i); // warm up connections and JIT
  const results = new Map<string, Round[]>();
  for (let round = 0; round < ROUNDS; round++) {
    // A different order each round, so no contender always runs right after the same neighbour (GC debt, warm caches).
    const order = contenders.map((c, i) => [c, (i * 7 + round * 3) % contenders.length] as const).sort((a, b) => a[1] - b[1]);
    for (const [[name, once]] of order) (results.get(name) ?? results.set(name, []).get(name)!).push(await measure(once));
  }

  const base = contenders[0]![0];
  const baseRps = median(results.get(base)!.map((r) => r.rps));
  const baseP99 = median(results.get(base)!.map((r) => r.p99));
  console.log("\nmedian of rounds (latency of the calls of the throughput run):");
  console.log("client                          req/s   ×BalancedPool   p50 µs   p99 µs   p99 ×   CPU µs/call   target ≥ 0.9×");
  for (const [name] of contenders) {
    const rs = results.get(name)!;
    const rps = median(rs.map((r) => r.rps));
    const p50 = median(rs.map((r) => r.p50));
    const p99 = median(rs.map((r) => r.p99));
    const cpu = median(rs.map((r) => r.cpu));
    const ratio = rps / baseRps;
    const verdict = !name.startsWith("svcgen") ? "" : ratio >= 0.9 ? "met" : "MISSED";
    console.log(
      `${name.padEnd(30)} ${rps.toFixed(0).padStart(7)}   ${ratio.toFixed(2).padStart(13)}   ${p50.toFixed(0).padStart(6)}   ${p99.toFixed(0).padStart(6)}   ${(p99 / baseP99).toFixed(2).padStart(5)}   ${cpu.toFixed(1).padStart(11)}   ${verdict}`,
    );
  }
  for (const [, client] of clients) await client.close();
  await pool.close();
  servers.stop();
}

// ---- servers (child process): three endpoints, the same answer
if (process.argv.includes("--serve")) {
  const body = JSON.stringify({ id: 1, name: "Ada Lovelace", email: "ada@example.com", roles: ["admin", "dev"] });
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    ports.push((server.address() as AddressInfo).port);
  }
  process.on("disconnect", () => process.exit(0));
  process.send?.(ports);
} else {
  await main();
}
