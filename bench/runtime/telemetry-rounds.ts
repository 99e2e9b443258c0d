// Runs the telemetry variants (telemetry-setups.ts) in interleaved rounds, one child process per variant.
// Why processes: OpenTelemetry's registration is process-wide (tracer and meter providers, the context manager, the
// propagator), and a process that switched setups between rounds would also run today's runtime with call sites
// warmed up on every setup's span and context classes, which no application does. So each variant gets a process
// that registers its setup once, builds one client and warms it up, then idles on IPC until the parent asks for a
// round. The parent asks one child at a time (the others wait, using no CPU), rotating the order every round and
// reversing it every other round, so rounds stay interleaved as in the in-process comparisons; the figure is the
// median over rounds of each round's ratio to the reference's (the baseline runtime under the same setup). The
// processes are replaced a few times during the run (RunOptions.generations says why).
// A variant child started by hand measures itself, e.g. to profile one:
//   node --cpu-prof --import tsx bench/runtime/http.ts --telemetry-variant=sdk-off --instant --seconds=8 --rounds=2
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { median } from "./load.js";
import type { Once } from "./load.js";
import { VARIANTS, installSetup } from "./telemetry-setups.js";
import type { Variant } from "./telemetry-setups.js";

/** One round's figures for one variant (req/s, µs), by name. */
export type RoundFigures = Record<string, number>;

/** Every variant's rounds, in order, and the round each generation of processes started at. */
export interface VariantRounds {
  readonly results: Map<string, RoundFigures[]>;
  readonly generationStarts: readonly number[];
}

type ToChild = { type: "round" };
type FromChild = { type: "ready" } | { type: "result"; figures: RoundFigures; note: string };

const VARIANT_FLAG = "--telemetry-variant=";

/** The variant this process serves, when it is a variant child. */
export function variantOfArgv(argv: readonly string[] = process.argv): Variant | undefined {
  const hit = argv.find((a) => a.startsWith(VARIANT_FLAG));
  if (hit === undefined) return undefined;
  const id = hit.slice(VARIANT_FLAG.length);
  const variant = VARIANTS.find((v) => v.id === id);
  if (variant === undefined) throw new Error(`unknown telemetry variant ${id}`);
  return variant;
}

export interface VariantClient {
  readonly once: Once;
  close(): Promise<void>;
}

/**
 * The child's side: set up, build, warm up, then answer rounds until the parent goes away. Started by hand (no IPC
 * channel, e.g. under `node --cpu-prof`), it runs `rounds` rounds, prints them and exits.
 */
export async function serveVariant(variant: Variant, build: (variant: Variant) => Promise<VariantClient>, measure: (once: Once) => Promise<RoundFigures>, warmup: number, rounds: number): Promise<void> {
  // Dies with the parent, even while warming up.
  const orphaned = (): never => process.exit(0);
  process.once("disconnect", orphaned);
  const setup = await installSetup(variant.setup);
  const client = await build(variant);
  for (let i = 0; i < warmup; i++) await client.once();
  await setup.afterRound();
  setup.describe();
  if (process.send === undefined) {
    for (let round = 0; round < rounds; round++) {
      const figures = await measure(client.once);
      await setup.afterRound();
      console.log(`${variant.id} round ${round + 1}: ${Object.entries(figures).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ")}, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB ${setup.describe()}`);
    }
    await client.close();
    return;
  }
  process.on("message", (m: ToChild) => {
    if (m.type !== "round") return;
    void (async () => {
      const figures = await measure(client.once);
      await setup.afterRound();
      process.send?.({ type: "result", figures, note: setup.describe() } satisfies FromChild);
    })();
  });
  process.off("disconnect", orphaned);
  process.on("disconnect", () => {
    void client.close().finally(() => process.exit(0));
  });
  process.send?.({ type: "ready" } satisfies FromChild);
}

/** `--variants=a,b` (their references are added), else all. */
function chosenVariants(argv: readonly string[] = process.argv): Variant[] {
  const hit = argv.find((a) => a.startsWith("--variants="));
  if (hit === undefined) return [...VARIANTS];
  const ids = new Set(["baseline", ...hit.slice("--variants=".length).split(",")]);
  for (const v of VARIANTS) if (ids.has(v.id)) ids.add(v.reference);
  return VARIANTS.filter((v) => ids.has(v.id));
}

interface Worker {
  readonly variant: Variant;
  readonly child: ChildProcess;
}

function next(child: ChildProcess): Promise<FromChild> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`variant process exited (${code}) before answering`));
    child.once("exit", onExit);
    child.once("message", (m) => {
      child.off("exit", onExit);
      resolve(m as FromChild);
    });
  });
}

/** One process per variant, started one after another (each warms up alone). */
async function startVariants(script: string, args: readonly string[], variants: readonly Variant[], nodeFlags: readonly string[]): Promise<Worker[]> {
  const workers: Worker[] = [];
  for (const variant of variants) {
    const child = fork(script, [`${VARIANT_FLAG}${variant.id}`, ...args], { execArgv: ["--import", "tsx", ...nodeFlags], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const m = await next(child);
    if (m.type !== "ready") throw new Error(`variant ${variant.id} did not start`);
    workers.push({ variant, child });
  }
  return workers;
}

async function roundOf(w: Worker): Promise<{ figures: RoundFigures; note: string }> {
  w.child.send({ type: "round" } satisfies ToChild);
  const m = await next(w.child);
  if (m.type !== "result") throw new Error(`variant ${w.variant.id}: unexpected ${m.type}`);
  return m;
}

export interface RunOptions {
  /** The bench's own file, forked with --telemetry-variant=<id> and `args`. */
  readonly script: string;
  readonly args: readonly string[];
  readonly rounds: number;
  /**
   * Fresh processes this many times over the rounds. A process settles into one of several JIT and GC states (V8's
   * allocation-site pretenuring, which decides early which allocations go straight to the old generation, can double
   * a process's GC time for its whole life: --child-node-flags=--no-allocation-site-pretenuring takes that draw out),
   * so one process per variant would make a variant's figure hostage to one draw; the rounds of every generation go
   * into one median, which a minority of unlucky processes does not move much.
   */
  readonly generations: number;
  /** Extra Node flags for the variant processes (e.g. --no-allocation-site-pretenuring). */
  readonly nodeFlags: readonly string[];
}

/** `--generations=N` (default 5) and `--child-node-flags=a,b` from argv. */
export function runOptionsFromArgv(script: string, args: readonly string[], rounds: number, argv: readonly string[] = process.argv): RunOptions {
  const generations = Number(argv.find((a) => a.startsWith("--generations="))?.slice("--generations=".length) ?? 5);
  const flags = argv.find((a) => a.startsWith("--child-node-flags="))?.slice("--child-node-flags=".length);
  return { script, args, rounds, generations: Math.max(1, Math.min(generations, rounds)), nodeFlags: flags === undefined || flags === "" ? [] : flags.split(",") };
}

/**
 * Runs the rounds: in each generation a process per variant and an unrecorded round of each; then per round each
 * process once, one at a time, in an order rotated every round and reversed every other round.
 */
export async function runVariants(o: RunOptions, variants: readonly Variant[] = chosenVariants()): Promise<VariantRounds> {
  const results = new Map<string, RoundFigures[]>(variants.map((v) => [v.id, []]));
  const generationStarts: number[] = [];
  let round = 0;
  for (let g = 0; g < o.generations; g++) {
    generationStarts.push(round);
    const until = Math.round((o.rounds * (g + 1)) / o.generations);
    const workers = await startVariants(o.script, o.args, variants, o.nodeFlags);
    // A round per process that is not recorded: a fresh process's first timed round still runs partly on code the
    // optimizing compiler has not finished with, and its GC has not settled; the first process asked would pay most.
    for (const w of workers) {
      const m = await roundOf(w);
      if (g === 0 && m.note !== "") console.log(`  (${w.variant.id}, its unrecorded first round: ${m.note})`);
    }
    for (; round < until; round++) {
      const rotated = workers.map((_, i) => workers[(i + round) % workers.length]!);
      for (const w of round % 2 === 0 ? rotated : rotated.reverse()) results.get(w.variant.id)!.push((await roundOf(w)).figures);
    }
    for (const w of workers) w.child.disconnect();
    process.stdout.write(`  generation ${g + 1}/${o.generations}: ${round}/${o.rounds} rounds done\n`);
  }
  return { results, generationStarts };
}

/** A figure's median ratio to another variant's, over rounds (each round's ratio first: the machine's load drifts). */
export function ratioTo(results: Map<string, RoundFigures[]>, id: string, reference: string, figure: string): number {
  const ref = results.get(reference)!;
  return median(results.get(id)!.map((r, i) => r[figure]! / ref[i]![figure]!));
}

/** Each variant's median client CPU per call (µs), for the no-network table's shares. */
export function cpuPerCall({ results }: VariantRounds): Map<string, number> {
  return new Map([...results].map(([id, rows]) => [id, median(rows.map((r) => r["cpuUs"]!))]));
}

/**
 * Prints the table: medians, ratios to the variant's reference (the baseline runtime under the same setup) and to the
 * plain baseline, and the target's verdict.
 *   - `wall` (with a network): throughput no lower and p50 (when measured) no higher than the target allows, the
 *     issue's own terms.
 *   - `cpu` (no network): the client's extra CPU per call over its reference's (median of per-round differences),
 *     and, given `loopCpu` (each variant's CPU per call with the network), that extra as a share of the reference's
 *     CPU per loopback call: what a CPU-bound client loses in throughput. The verdict is on that share; a no-network
 *     round's wall-clock rate mostly measures what the neighbours leave it, its CPU per call much less so.
 */
export function printTelemetryTable({ results, generationStarts }: VariantRounds, judge: "wall" | "cpu", loopCpu?: Map<string, number>): void {
  const wall = judge === "wall";
  const latency = wall && results.get("baseline")![0]!["p50"] !== undefined;
  console.log(
    latency
      ? "variant                          req/s   ×ref   p50 µs   ×ref   p99 µs  CPU µs/call  ×ref  GC µs  req/s ×baseline  target"
      : wall
        ? "variant                        calls/s   ×ref  CPU µs/call  ×ref  GC µs  calls/s ×baseline  target"
        : "variant                        calls/s  CPU µs/call  Δref µs  GC µs  of a loopback call  calls/CPU-s ×baseline  target",
  );
  for (const v of VARIANTS) {
    const rows = results.get(v.id);
    if (rows === undefined) continue;
    const m = (f: string): number => median(rows.map((r) => r[f]!));
    const ref = results.get(v.reference)!;
    const rps = ratioTo(results, v.id, v.reference, "rps");
    const p50 = latency ? ratioTo(results, v.id, v.reference, "p50") : 1;
    const extraUs = median(rows.map((r, i) => r["cpuUs"]! - ref[i]!["cpuUs"]!));
    const loop = loopCpu?.get(v.reference);
    const share = loop === undefined ? undefined : extraUs / loop;
    let verdict = "";
    if (v.target !== undefined && (wall || share !== undefined)) {
      const ok = wall ? rps >= 1 - v.target && (!latency || p50 <= 1 + v.target) : share! <= v.target;
      verdict = `${Math.round(v.target * 100)} %: ${ok ? "met" : "MISSED"}`;
    }
    const cells = [v.label.padEnd(30), m("rps").toFixed(0).padStart(7)];
    if (wall) cells.push(rps.toFixed(3).padStart(6));
    if (latency) cells.push(m("p50").toFixed(1).padStart(8), p50.toFixed(3).padStart(6), m("p99").toFixed(0).padStart(8));
    if (wall) cells.push(m("cpuUs").toFixed(1).padStart(12), (1 / ratioTo(results, v.id, v.reference, "cpuUs")).toFixed(3).padStart(5), m("gcUs").toFixed(1).padStart(6));
    else cells.push(m("cpuUs").toFixed(1).padStart(12), extraUs.toFixed(2).padStart(8), m("gcUs").toFixed(1).padStart(6), (share === undefined ? "" : `${(share * 100).toFixed(1)} %`).padStart(19));
    cells.push((wall ? ratioTo(results, v.id, "baseline", "rps") : 1 / ratioTo(results, v.id, "baseline", "cpuUs")).toFixed(3).padStart(latency ? 16 : wall ? 18 : 22), ` ${verdict}`);
    console.log(cells.join(" "));
  }
  const figure = wall ? "rps" : "cpuUs";
  console.log(`per-round ${wall ? "req/s" : "CPU µs/call"} ×ref (| : new processes):`);
  for (const v of VARIANTS) {
    const rows = results.get(v.id);
    if (rows === undefined || v.id === v.reference) continue;
    const ref = results.get(v.reference)!;
    console.log(`  ${v.id.padEnd(10)} ${rows.map((r, i) => `${i > 0 && generationStarts.includes(i) ? "| " : ""}${(r[figure]! / ref[i]![figure]!).toFixed(3)}`).join(" ")}`);
  }
}
