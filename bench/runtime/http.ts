// Runtime benchmark: `npx tsx bench/runtime/http.ts` (options: --seconds=N per round, --rounds=N,
// --only=clients,telemetry,telemetry-cpu,outage; for the telemetry sections --baseline=<rev>, --variants=<ids>,
// --generations=N processes per variant over the run (default 5), --child-node-flags=<flags> for those processes,
// --current=<dir> to take "today's" runtime from <dir>/src/runtime, e.g. a patched copy).
//   1. Keep-alive loopback throughput (32 in flight) and sequential p50/p99 latency of a svcgen client with every
//      policy on (deadline, attempt timeout, retry + budget, breakers, events wired but unobserved) against a raw
//      undici `Pool.request` (the floor), `undici.request` through an Agent, and openapi-fetch (installed on demand
//      into bench/.cache, never in package.json). Default options, so with @opentelemetry/api installed (it is, as a
//      dev dependency) and no SDK registered, as most users with the API in their tree run.
//   2. The cost of telemetry (issue 14): the same all-policies client, same load, in one process per variant
//      (telemetry-setups.ts lists them: the runtime before telemetry at --baseline, default e418855; `telemetry:
//      false`; the API alone; the SDK registered with providers that record nothing, with and without an
//      AlwaysOffSampler; the SDK recording), rounds interleaved across the processes (telemetry-rounds.ts says why
//      processes), each round's figures as ratios to its reference's in the same round (the baseline runtime under
//      the same OpenTelemetry setup: telemetry-setups.ts says why), the median of those.
//      The same variants once more with no network (telemetry-cpu): the client's dispatcher answers every request on
//      the next event-loop turn without I/O (instantDispatcher), so a round measures only the client's own CPU per
//      call, where telemetry's share shows in µs rather than drowning in the machine's noise; that extra CPU as a
//      share of the same client's CPU per loopback call (the section before) is the throughput a CPU-bound client
//      gives up, judged against the issue's targets.
//   3. A full outage (every answer 503, and connection refused): upstream attempts per logical call with budget +
//      breaker, and with the budget alone.
// The server runs in a child process so it does not share the client's event loop. Rounds are interleaved and the
// median round is reported, since the machine is shared and noisy.
import { execFileSync, fork } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { AddressInfo } from "node:net";
import { Agent, Pool, request } from "undici";
import { createServiceClient } from "../../src/runtime/index.js";
import type { ClientOptions, OperationDefinition, ServiceClient, ServiceDefinition } from "../../src/runtime/index.js";
import { baselineRev, baselineTree } from "./baseline.js";
import { latency, median, throughput } from "./load.js";
import type { Once } from "./load.js";
import { cpuPerCall, printTelemetryTable, runOptionsFromArgv, runVariants, serveVariant, variantOfArgv } from "./telemetry-rounds.js";
import type { RoundFigures, VariantClient } from "./telemetry-rounds.js";
import type { Variant } from "./telemetry-setups.js";

const OPENAPI_FETCH = "openapi-fetch@0.17.0";
const arg = (name: string, fallback: number): number => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : Number(hit.split("=")[1]);
};
const SECONDS = arg("seconds", 2);
const ROUNDS = arg("rounds", 5);
const text = (name: string, fallback: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const SECTIONS = new Set(text("only", "clients,telemetry,telemetry-cpu,outage").split(","));
const INSTANT = process.argv.includes("--instant");
const CONCURRENCY = 32;
const LATENCY_SAMPLES = 4000;

const root = path.resolve(import.meta.dirname, "../..");
const cache = path.join(root, "bench/.cache");

async function startChildServer(): Promise<{ origin: string; stop: () => void }> {
  const child = fork(path.join(import.meta.dirname, "http.ts"), ["--serve"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve) => child.once("message", (m) => resolve(m as number)));
  return { origin: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

async function loadOpenapiFetch(): Promise<((options: { baseUrl: string }) => { GET: (path: string, init: unknown) => Promise<{ data?: unknown; error?: unknown }> }) | undefined> {
  const entry = path.join(cache, "node_modules/openapi-fetch/dist/index.mjs");
  if (!fs.existsSync(entry)) {
    try {
      fs.mkdirSync(cache, { recursive: true });
      if (!fs.existsSync(path.join(cache, "package.json"))) fs.writeFileSync(path.join(cache, "package.json"), '{ "private": true }\n');
      console.log(`installing ${OPENAPI_FETCH} into bench/.cache ...`);
      execFileSync("npm", ["install", "--prefix", cache, "--no-audit", "--no-fund", "--save-exact", OPENAPI_FETCH], { stdio: "ignore" });
    } catch {
      console.log(`could not install ${OPENAPI_FETCH}; skipping it`);
      return undefined;
    }
  }
  const mod = (await import(pathToFileURL(entry).href)) as { default: never };
  return mod.default;
}

function definition(origin: string, over: Partial<ServiceDefinition["policy"]> = {}): ServiceDefinition {
  const u = new URL(origin);
  return {
    name: "bench_service",
    url: origin,
    scheme: "http",
    host: u.hostname,
    port: Number(u.port),
    basePath: "",
    discovery: { kind: "dns", endpoints: [], dnsServers: [] },
    policy: {
      timeoutMs: 10_000,
      connectTimeoutMs: 2_000,
      attemptTimeoutMs: 5_000,
      retry: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 5, jitter: "full", retryOnConnect: true, retryOnTimeout: true, retryOnStatus: [429, 502, 503, 504], budgetRatio: 0.2 },
      circuitBreaker: { enabled: true, mode: "consecutive", failureThreshold: 5, openMs: 30_000, halfOpenRequests: 1 },
      loadBalancer: "round_robin",
      ...over,
    },
    healthPath: "/health",
    readyPath: "/ready",
  };
}

const getUser: OperationDefinition = { id: "getUser", method: "GET", path: "/users/{id}", idempotent: true, params: [], response: "json" };

/** One round of the keep-alive load: throughput, then sequential latency. */
async function measure(once: Once): Promise<RoundFigures> {
  const t = await throughput(once, SECONDS, CONCURRENCY);
  const l = await latency(once, LATENCY_SAMPLES);
  return { rps: t.rps, cpuUs: t.cpuUs, gcUs: t.gcUs, p50: l.p50, p99: l.p99 };
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${SECONDS}s × ${ROUNDS} rounds, ${CONCURRENCY} in flight, ${LATENCY_SAMPLES} sequential samples`);
  const server = await startChildServer();
  if (SECTIONS.has("clients")) await clients(server.origin);
  const loopCpu = SECTIONS.has("telemetry") ? await telemetry(server.origin, false) : undefined;
  if (SECTIONS.has("telemetry-cpu")) await telemetry(server.origin, true, loopCpu);
  server.stop();
  if (SECTIONS.has("outage")) {
    console.log("\nfull outage, upstream attempts per logical call (maxAttempts 3, budgetRatio 0.2):");
    await outage();
  }
}

async function clients(origin: string): Promise<void> {
  const agent = new Agent({ keepAliveTimeout: 60_000 });
  const pool = new Pool(origin, { keepAliveTimeout: 60_000 });
  const svcgen = createServiceClient(definition(origin), { env: {} });
  // What `svcgen gen` emits by default: no per-attempt timeout, so each call needs one AbortController, not two.
  const svcgenDefault = createServiceClient(definition(origin, { attemptTimeoutMs: undefined }), { env: {} });
  // The same client with a static bearer token (issue 13: within 3 % of the one without).
  const svcgenBearer = createServiceClient(definition(origin), { env: {}, auth: { bearer: "bench-static-token" } });
  const createClient = await loadOpenapiFetch();
  const ofetch = createClient?.({ baseUrl: origin });

  const contenders: [string, Once][] = [
    // The floor: one undici Pool, a path instead of a URL to parse (what the svcgen client dispatches through).
    ["undici Pool.request (floor)", async () => {
      const res = await pool.request({ method: "GET", path: "/users/1" });
      return res.body.json();
    }],
    ["undici.request (Agent, URL)", async () => {
      const res = await request(`${origin}/users/1`, { dispatcher: agent });
      return res.body.json();
    }],
    ["svcgen client (all policies)", () => svcgen.call(getUser, { path: { id: 1 } })],
    ["svcgen + static bearer", () => svcgenBearer.call(getUser, { path: { id: 1 } })],
    ["svcgen (defaults, no attempt t/o)", () => svcgenDefault.call(getUser, { path: { id: 1 } })],
  ];
  if (ofetch !== undefined) contenders.push(["openapi-fetch (global fetch)", async () => (await ofetch.GET("/users/{id}", { params: { path: { id: 1 } } })).data]);

  const rps = new Map<string, number[]>();
  const p50 = new Map<string, number[]>();
  const p99 = new Map<string, number[]>();
  for (const [, once] of contenders) for (let i = 0; i < 2000; i++) await once(); // warm up connections and JIT
  for (let round = 0; round < ROUNDS; round++) {
    // Every other round in reverse, so no contender always runs right after the same one.
    for (const [name, once] of round % 2 === 0 ? contenders : [...contenders].reverse()) {
      (rps.get(name) ?? rps.set(name, []).get(name)!).push((await throughput(once, SECONDS, CONCURRENCY)).rps);
      const l = await latency(once, LATENCY_SAMPLES);
      (p50.get(name) ?? p50.set(name, []).get(name)!).push(l.p50);
      (p99.get(name) ?? p99.set(name, []).get(name)!).push(l.p99);
    }
  }
  const floor = contenders[0]![0];
  console.log("\nkeep-alive loopback, median of rounds:");
  console.log("client                              req/s     ×floor   p50 µs   p99 µs   p99 Δ µs");
  for (const [name] of contenders) {
    const r = median(rps.get(name)!);
    const a = median(p50.get(name)!);
    const b = median(p99.get(name)!);
    const ratio = r / median(rps.get(floor)!);
    const delta = b - median(p99.get(floor)!);
    console.log(`${name.padEnd(34)} ${r.toFixed(0).padStart(7)}   ${ratio.toFixed(2).padStart(6)}   ${a.toFixed(0).padStart(6)}   ${b.toFixed(0).padStart(6)}   ${delta.toFixed(0).padStart(8)}`);
  }
  // Per round (the two run back to back), then the median: the machine's load drifts between rounds.
  const plainRps = rps.get("svcgen client (all policies)")!;
  const bearerRps = rps.get("svcgen + static bearer")!;
  const plainP50 = p50.get("svcgen client (all policies)")!;
  const bearerP50 = p50.get("svcgen + static bearer")!;
  const rpsRatio = median(bearerRps.map((r, i) => r / plainRps[i]!));
  const p50Ratio = median(bearerP50.map((l, i) => l / plainP50[i]!));
  console.log(`\nstatic bearer vs the same client without (median of per-round ratios): req/s ×${rpsRatio.toFixed(3)}, p50 ×${p50Ratio.toFixed(3)}`);
  await svcgen.close();
  await svcgenBearer.close();
  await svcgenDefault.close();
  await agent.close();
  await pool.close();
}

/** Runs one telemetry section; returns each variant's median client CPU per call. */
async function telemetry(origin: string, instant: boolean, loopCpu?: Map<string, number>): Promise<Map<string, number>> {
  const rev = baselineRev();
  const { sha } = baselineTree(rev, ["src/runtime"]);
  const what = instant ? "no network (instant dispatcher)" : "keep-alive loopback";
  console.log(`\ntelemetry cost, ${what}: the all-policies client, one process per variant, baseline ${rev} (${sha.slice(0, 12)}); starting them ...`);
  const args = [`--origin=${origin}`, `--seconds=${SECONDS}`, `--baseline=${sha}`, ...(instant ? ["--instant"] : []), ...process.argv.filter((a) => a.startsWith("--current="))];
  const rounds = await runVariants(runOptionsFromArgv(import.meta.filename, args, instant ? ROUNDS * 3 : ROUNDS));
  console.log(`\ntelemetry cost, ${what}, ${rounds.results.get("baseline")!.length} interleaved rounds (×ref: median of per-round ratios to the reference, the baseline runtime under the same setup):`);
  printTelemetryTable(rounds, instant ? "cpu" : "wall", loopCpu);
  return cpuPerCall(rounds);
}

/** A no-network round: ${CONCURRENCY} calls in flight for a quarter of --seconds, all answered by instantDispatcher. */
async function measureInstant(once: Once): Promise<RoundFigures> {
  const t = await throughput(once, SECONDS / 4, CONCURRENCY);
  return { rps: t.rps, cpuUs: t.cpuUs, gcUs: t.gcUs };
}

const INSTANT_BODY = Buffer.from(JSON.stringify({ id: 1, name: "Ada Lovelace", email: "ada@example.com", roles: ["admin", "dev"] }));
const INSTANT_HEADERS = ["content-type", "application/json", "content-length", String(INSTANT_BODY.length)].map((h) => Buffer.from(h));

/**
 * A dispatcher that answers 200 with the server's JSON on the next event-loop turn (setImmediate, as I/O would),
 * through the same handler callbacks undici calls: the client's undici transport and everything above it run as
 * they do against a socket.
 */
const instantDispatcher = {
  dispatch(_options: unknown, handler: { onConnect(abort: () => void): void; onHeaders(status: number, headers: Buffer[], resume: () => void): boolean; onData(chunk: Buffer): boolean; onComplete(trailers: Buffer[]): void }): boolean {
    setImmediate(() => {
      handler.onConnect(() => {});
      handler.onHeaders(200, INSTANT_HEADERS, () => {});
      handler.onData(INSTANT_BODY);
      handler.onComplete([]);
    });
    return true;
  },
} as unknown as NonNullable<ClientOptions["dispatcher"]>;

/** A variant child's client: the all-policies client of its runtime and telemetry option. */
async function variantClient(v: Variant): Promise<VariantClient> {
  // Standalone with --instant the origin is never connected to.
  const origin = text("origin", "http://127.0.0.1:9");
  let create: (def: ServiceDefinition, options: ClientOptions) => ServiceClient = createServiceClient;
  // --current=<dir>: today's runtime from <dir>/src/runtime instead (a patched copy, to try a change).
  const from = v.runtime === "baseline" ? baselineTree(baselineRev(), ["src/runtime"]).dir : text("current", "");
  if (from !== "") create = ((await import(pathToFileURL(path.resolve(from, "src/runtime/index.ts")).href)) as { createServiceClient: typeof create }).createServiceClient;
  const options: ClientOptions = { env: {}, ...(v.telemetry === false ? { telemetry: false } : {}), ...(INSTANT ? { dispatcher: instantDispatcher } : {}) };
  const client = create(definition(origin), options);
  return { once: () => client.call(getUser, { path: { id: 1 } }), close: () => client.close() };
}

async function outage(): Promise<void> {
  let attempts = 0;
  const down = http.createServer((_req, res) => {
    attempts++;
    res.writeHead(503, { "content-length": 0 }).end();
  });
  await new Promise<void>((r) => down.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(down.address() as AddressInfo).port}`;
  const refusedPort = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const calls = 5000;
  const run = async (target: string, label: string, over: Partial<ServiceDefinition["policy"]>, counter: () => number): Promise<void> => {
    const client = createServiceClient(definition(target, over), { env: {} });
    let sent = 0;
    const before = counter();
    const worker = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        await client.call(getUser, { path: { id: 1 } }, { onEvent: (e) => void (e.type === "attempt" && sent++) }).catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: 10 }, () => worker(calls / 10)));
    await client.close();
    const upstream = counter() - before;
    console.log(`  ${label.padEnd(44)} ${(sent / calls).toFixed(3)} attempts/call${counter === noCount ? "" : ` (server saw ${(upstream / calls).toFixed(3)})`}`);
  };
  const noCount = (): number => 0;
  await run(origin, "503s, budget + breaker (defaults)", {}, () => attempts);
  await run(origin, "503s, budget only (breaker off)", { circuitBreaker: { enabled: false } }, () => attempts);
  await run(`http://127.0.0.1:${refusedPort}`, "refused, budget + breaker (defaults)", {}, noCount);
  await run(`http://127.0.0.1:${refusedPort}`, "refused, budget only (breaker off)", { circuitBreaker: { enabled: false } }, noCount);
  down.close();
}

// ---- server (child process) ----
if (process.argv.includes("--serve")) {
  const body = JSON.stringify({ id: 1, name: "Ada Lovelace", email: "ada@example.com", roles: ["admin", "dev"] });
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  // Dies with the benchmark, however the benchmark ends.
  process.on("disconnect", () => process.exit(0));
  server.listen(0, "127.0.0.1", () => process.send?.((server.address() as AddressInfo).port));
} else {
  const variant = variantOfArgv();
  if (variant === undefined) await main();
  else await serveVariant(variant, variantClient, INSTANT ? measureInstant : measure, 5000, ROUNDS);
}
