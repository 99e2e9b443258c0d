// gRPC runtime benchmark: `npx tsx bench/runtime/grpc.ts` (options: --seconds=N per round, --rounds=N).
// Unary calls per second, 32 in flight over keep-alive HTTP/2 on loopback, through
//   - the generated client (generated/clients/auth_service: deadline sent as grpc-timeout, retries + budget,
//     breakers, balancer, events wired but unobserved), and
//   - a plain connect-es client of the same runtime (createClient + createGrpcTransport, no policies),
// against the same @grpc/grpc-js server serving examples/protos/auth.proto. The server runs in a child process so it
// does not share the clients' event loop; rounds are interleaved and the median round is reported (the machine is
// shared and noisy). Target: generated ≥ 0.9 × plain.
import { fork } from "node:child_process";
import path from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";

const arg = (name: string, fallback: number): number => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : Number(hit.split("=")[1]);
};
const SECONDS = arg("seconds", 1);
const ROUNDS = arg("rounds", 15);
const CONCURRENCY = 32;
const TOKEN = "good-token";

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

type Once = () => Promise<unknown>;

/** Calls per second with CONCURRENCY in flight for SECONDS. */
async function throughput(once: Once): Promise<number> {
  const end = performance.now() + SECONDS * 1000;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      await once();
      done++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return done / ((performance.now() - start) / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  const { createAuthServiceGrpcClient, AuthService } = await import("../../generated/clients/auth_service/index.js");
  const server = await startChildServer();
  const generated = createAuthServiceGrpcClient({ baseUrl: server.url, env: {} });
  const plain = createClient(AuthService, createGrpcTransport({ baseUrl: server.url }));
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
    for (const [name, once] of order) results.get(name)!.push(await throughput(once));
  }
  await generated.close();
  server.stop();

  console.log(`\nunary calls/s, ${CONCURRENCY} in flight, ${ROUNDS} rounds × ${SECONDS} s (median round):`);
  for (const [name, values] of results) {
    console.log(`  ${name.padEnd(18)} ${Math.round(median(values)).toString().padStart(7)}   rounds: ${values.map((v) => Math.round(v)).join(", ")}`);
  }
  const generatedRate = median(results.get("generated client")!);
  const ratio = generatedRate / median(results.get("plain connect-es")!);
  console.log(`  ratio generated / plain: ${ratio.toFixed(3)} (target ≥ 0.9)`);
  console.log(`  ratio generated / plain + deadline: ${(generatedRate / median(results.get("plain + deadline")!)).toFixed(3)}`);
}

if (process.argv.includes("--serve")) void serve();
else await main();
