// gRPC runtime benchmark: `npx tsx bench/runtime/grpc.ts` (options: --seconds=N per round, --rounds=N,
// --only=clients,telemetry; for the telemetry section --baseline=<rev>, --variants=<ids>, --generations=N,
// --child-node-flags=<flags>, as in http.ts).
// Unary calls per second, 32 in flight over keep-alive HTTP/2 on loopback, through
//   - the generated client (generated/clients/auth_service: deadline sent as grpc-timeout, retries + budget,
//     breakers, balancer, events wired but unobserved), and
//   - a plain connect-es client of the same runtime (createClient + createGrpcTransport, no policies),
// against the same @grpc/grpc-js server serving examples/protos/auth.proto. The server runs in a child process so it
// does not share the clients' event loop; rounds are interleaved and the median round is reported (the machine is
// shared and noisy). Target: generated ≥ 0.9 × plain.
// Then the cost of telemetry (issue 14), as in http.ts: the generated client in one process per variant
// (telemetry-setups.ts), the baseline built from generated/ at --baseline (default e418855), rounds interleaved
// across the processes (telemetry-rounds.ts), each round's calls/s as a ratio to the reference's in the same round.
// The generated client runs generated/runtime, the committed copy of src/runtime: `npm run gen` after changing it.
import { fork } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { baselineRev, baselineTree } from "./baseline.js";
import { median, throughput } from "./load.js";
import type { Once } from "./load.js";
import { printTelemetryTable, runOptionsFromArgv, runVariants, serveVariant, variantOfArgv } from "./telemetry-rounds.js";
import type { RoundFigures, VariantClient } from "./telemetry-rounds.js";
import type { Variant } from "./telemetry-setups.js";

const arg = (name: string, fallback: number): number => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : Number(hit.split("=")[1]);
};
const SECONDS = arg("seconds", 1);
const ROUNDS = arg("rounds", 15);
const CONCURRENCY = 32;
const TOKEN = "good-token";
const text = (name: string, fallback: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const SECTIONS = new Set(text("only", "clients,telemetry").split(","));
/** What the baseline needs from an earlier commit: the generated client and the runtime it imports. */
const BASELINE_FOLDERS = ["generated/runtime", "generated/clients/auth_service"];

async function serve(): Promise<void> {
  const { startAuthGrpcServer } = await import("../../test/support/servers/grpc-auth.js");
  const server = await startAuthGrpcServer("bench");
  process.send?.(server.port);
  process.on("disconnect", () => {
    server.kill();
    process.exit(0);
  });
}

async function startChildServer(): Promise<{ url: string; stop: () => void }> {
  const child = fork(path.join(import.meta.dirname, "grpc.ts"), ["--serve"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise<number>((resolve) => child.once("message", (m) => resolve(m as number)));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

async function main(): Promise<void> {
  const server = await startChildServer();
  if (SECTIONS.has("clients")) await clients(server.url);
  if (SECTIONS.has("telemetry")) await telemetry(server.url);
  server.stop();
}

async function clients(url: string): Promise<void> {
  const { createAuthServiceGrpcClient, AuthService } = await import("../../generated/clients/auth_service/index.js");
  const generated = createAuthServiceGrpcClient({ baseUrl: url, env: {} });
  const plain = createClient(AuthService, createGrpcTransport({ baseUrl: url }));
  const clients: Array<[string, Once]> = [
    ["generated client", () => generated.authService.validateToken({ token: TOKEN })],
    ["plain connect-es", () => plain.validateToken({ token: TOKEN })],
    // The same plain client asked for what the generated one always does: send a deadline (grpc-timeout).
    ["plain + deadline", () => plain.validateToken({ token: TOKEN }, { timeoutMs: 10_000 })],
  ];
  // Warm up connections and JIT.
  for (const [, once] of clients) for (let i = 0; i < 2000; i++) await once();

  const results = new Map<string, number[]>(clients.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so neither client always runs on a warmer machine.
    const order = round % 2 === 0 ? clients : [...clients].reverse();
    for (const [name, once] of order) results.get(name)!.push((await throughput(once, SECONDS, CONCURRENCY)).rps);
  }
  await generated.close();

  console.log(`\nunary calls/s, ${CONCURRENCY} in flight, ${ROUNDS} rounds × ${SECONDS} s (median round):`);
  for (const [name, values] of results) {
    console.log(`  ${name.padEnd(18)} ${Math.round(median(values)).toString().padStart(7)}   rounds: ${values.map((v) => Math.round(v)).join(", ")}`);
  }
  const generatedRate = median(results.get("generated client")!);
  const ratio = generatedRate / median(results.get("plain connect-es")!);
  console.log(`  ratio generated / plain: ${ratio.toFixed(3)} (target ≥ 0.9)`);
  console.log(`  ratio generated / plain + deadline: ${(generatedRate / median(results.get("plain + deadline")!)).toFixed(3)}`);
}

async function telemetry(url: string): Promise<void> {
  const rev = baselineRev();
  const { sha } = baselineTree(rev, BASELINE_FOLDERS);
  console.log(`\ntelemetry cost: the generated client, one process per variant, baseline ${rev} (${sha.slice(0, 12)}); starting them ...`);
  const rounds = await runVariants(runOptionsFromArgv(import.meta.filename, [`--url=${url}`, `--seconds=${SECONDS}`, `--baseline=${sha}`], ROUNDS));
  console.log(`\ntelemetry cost, unary calls, ${ROUNDS} interleaved rounds (×ref: median of per-round ratios to the reference, the baseline client under the same setup):`);
  printTelemetryTable(rounds, "wall");
}

/** A variant child's client: the generated client of its commit, with its telemetry option. */
async function variantClient(v: Variant): Promise<VariantClient> {
  const url = text("url", "");
  type Module = typeof import("../../generated/clients/auth_service/index.js");
  const mod: Module =
    v.runtime === "baseline"
      ? ((await import(pathToFileURL(`${baselineTree(baselineRev(), BASELINE_FOLDERS).dir}/generated/clients/auth_service/index.ts`).href)) as Module)
      : await import("../../generated/clients/auth_service/index.js");
  const client = mod.createAuthServiceGrpcClient(v.telemetry === false ? { baseUrl: url, env: {}, telemetry: false } : { baseUrl: url, env: {} });
  return { once: () => client.authService.validateToken({ token: TOKEN }), close: () => client.close() };
}

async function measure(once: Once): Promise<RoundFigures> {
  const t = await throughput(once, SECONDS, CONCURRENCY);
  return { rps: t.rps, cpuUs: t.cpuUs, gcUs: t.gcUs };
}

if (process.argv.includes("--serve")) void serve();
else {
  const variant = variantOfArgv();
  if (variant === undefined) await main();
  else await serveVariant(variant, variantClient, measure, 2000, ROUNDS);
}
