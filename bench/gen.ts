// Benchmarks `svcgen gen` and a user's `tsc` over its output against openapi-typescript (and openapi-fetch), in the
// same run, rounds alternated, medians; prints ratios only, as markdown. Sections (`--only=`, default all):
//
//   cold     cold gen on Kubernetes, GitHub and Stripe (`--specs=` narrows) vs openapi-typescript on the same spec;
//            peak RSS of the same runs; a second gen with nothing changed
//   changed  four services (GitHub, Stripe, Kubernetes, Asana), Asana's spec edited before each round: that gen vs
//            openapi-typescript on Asana's spec alone
//   ten      ten services cold vs the sum of openapi-typescript runs over the same ten specs
//   tsc      `tsc -p .` over GitHub's output + 10 calls (svcgen's `ts` and `js+dts` targets) vs openapi-typescript's
//            types + openapi-fetch + the same 10 calls (bench/lib/github-calls.ts)
//
//   npm run build && npx tsx bench/gen.ts --built [--rounds=3] [--only=cold,changed,ten,tsc] [--specs=github] [--check]
//
// Without `--built` svcgen runs from source (`node --import tsx src/cli/main.ts`), which adds tsx's start-up to every
// run; `--built` runs dist/cli/main.js, as users would. Specs and the reference tools are npm packages installed on
// demand into bench/.cache (bench/lib/fixtures.ts). Every cold svcgen run gets a fresh project folder and cache folder,
// so nothing from an earlier run can help it. `--check` exits 1 when a target is missed; timings on a shared machine
// are noisy, so this is for people, never for tests.
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { FIXTURES, ensurePackages, fixture, specFile, type SpecFixture } from "./lib/fixtures.js";
import { OPENAPI_FETCH_CALLS, SVCGEN_CALLS } from "./lib/github-calls.js";
import { runNode, tail, type Measured } from "./lib/measure.js";
import { allTargetsMet, report, type Row, type Section } from "./lib/report.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CACHE = join(REPO, "bench", ".cache");
// Inside the repo so generated code resolves `undici` and `@types/node` from the repo's node_modules, and the calls
// resolve openapi-fetch from bench/.cache/node_modules.
const WORK = join(CACHE, "work");
const TSC = join(REPO, "node_modules", "typescript", "bin", "tsc");
const OTS_CLI = join(CACHE, "node_modules", "openapi-typescript", "bin", "cli.js");

const SECTIONS = ["cold", "changed", "ten", "tsc"] as const;
type SectionName = (typeof SECTIONS)[number];
const COLD = ["kubernetes", "github", "stripe"];
const FOUR = ["github", "stripe", "kubernetes", "asana"];
const EDITED = "asana";
const TEN = FIXTURES.map((f) => f.key);

const TARGETS = { cold: 1.0, rss: 1.0, changed: 1.5, ten: 0.35, tscTs: 1.2, tscJsDts: 0.7 };

interface Cli {
  script: string;
  nodeFlags: string[];
  label: string;
}

interface Options {
  rounds: number;
  sections: SectionName[];
  coldSpecs: SpecFixture[];
  cli: Cli;
}

class BenchError extends Error {}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      rounds: { type: "string", default: "3" },
      only: { type: "string", default: SECTIONS.join(",") },
      specs: { type: "string", default: COLD.join(",") },
      check: { type: "boolean", default: false },
      built: { type: "boolean", default: false },
    },
  });
  const sections = list(values.only).map((name) => {
    if (!(SECTIONS as readonly string[]).includes(name)) throw new BenchError(`--only takes ${SECTIONS.join(", ")}; got "${name}"`);
    return name as SectionName;
  });
  const options: Options = {
    rounds: positive(values.rounds, "--rounds"),
    sections,
    coldSpecs: list(values.specs).map((key) => {
      if (!FIXTURES.some((f) => f.key === key)) throw new BenchError(`--specs takes ${FIXTURES.map((f) => f.key).join(", ")}; got "${key}"`);
      return fixture(key);
    }),
    cli: values.built
      ? { script: join(REPO, "dist", "cli", "main.js"), nodeFlags: [], label: "dist/cli/main.js (built)" }
      : { script: join(REPO, "src", "cli", "main.ts"), nodeFlags: ["--import", "tsx"], label: "src/cli/main.ts via tsx" },
  };
  const failed = ensurePackages(CACHE, progress);
  if (failed !== undefined) throw new BenchError(failed);
  mkdirSync(WORK, { recursive: true });
  // Generated files and the calls are ESM; make that explicit whatever package.json npm left in bench/.cache.
  writeFileSync(join(WORK, "package.json"), `${JSON.stringify({ private: true, type: "module" }, null, 2)}\n`);

  const results: Section[] = [];
  const run = { cold, changed, ten, tsc } satisfies Record<SectionName, (options: Options) => Promise<Measure>>;
  for (const name of sections) {
    const started = loadavg()[0]!;
    const section = await run[name](options);
    results.push({ ...section, load: [started, loadavg()[0]!] });
  }
  const command = `npx tsx bench/gen.ts ${process.argv.slice(2).join(" ")}`.trim();
  console.log(report(results, { rounds: options.rounds, cli: options.cli.label, cpus: cpus().length, command }));
  if (values.check && !allTargetsMet(results)) {
    console.error("\nFAILED: at least one target was missed (--check).");
    return 1;
  }
  return 0;
}

type Measure = Omit<Section, "load">;

async function cold(options: Options): Promise<Measure> {
  const rows: Row[] = [];
  const memory: Row[] = [];
  for (const spec of options.coldSpecs) {
    const dir = fresh(join(WORK, "cold", spec.key));
    const ours: Measured[] = [];
    const reference: Measured[] = [];
    let last = "";
    await alternate(options.rounds, `cold ${spec.title}`, {
      reference: async () => void reference.push(await openapiTypescript(specFile(CACHE, spec), join(dir, "ots", "schema.ts"))),
      ours: async (round) => {
        last = project(join(dir, `run-${round}`), [spec]);
        ours.push(await svcgen(options.cli, last));
      },
    });
    const second: Measured[] = [];
    for (let i = 0; i < options.rounds; i++) second.push(await svcgen(options.cli, last, { keepCache: true }));
    progress(`  second gen, nothing changed: ${seconds(second)}`);
    rows.push({ label: `${spec.title}: cold gen`, ours, reference, target: TARGETS.cold });
    rows.push({ label: `${spec.title}: second gen, nothing changed`, ours: second, reference });
    memory.push({ label: spec.title, ours, reference, ...(spec.key === "github" ? { target: TARGETS.rss } : {}) });
  }
  return {
    title: "Cold gen",
    about:
      "`svcgen gen` in a new project folder with a new cache folder, vs `openapi-typescript <spec> --output schema.ts`; " +
      "the second gen runs again in the last cold run's folder. Peak RSS from the same cold runs (target on GitHub)",
    rows,
    memory,
  };
}

async function changed(options: Options): Promise<Measure> {
  const dir = fresh(join(WORK, "changed"));
  const specs = FOUR.map(fixture);
  const root = project(dir, specs, [EDITED]);
  const edited = join(root, "specs", `${EDITED}.json`);
  const doc = JSON.parse(readFileSync(specFile(CACHE, fixture(EDITED)), "utf8")) as { info: { description?: string } };
  progress("changed: first gen of the four services (fills the cache, not measured)");
  await svcgen(options.cli, root, { keepCache: true });
  const ours: Measured[] = [];
  const reference: Measured[] = [];
  await alternate(options.rounds, `four services, ${fixture(EDITED).title} edited`, {
    before: (round) => {
      // A real edit: the description becomes the client's JSDoc, so the service's output changes too.
      const edit = { ...doc, info: { ...doc.info, description: `${doc.info.description ?? ""} (bench edit ${round})` } };
      writeFileSync(edited, JSON.stringify(edit));
    },
    reference: async () => void reference.push(await openapiTypescript(edited, join(dir, "ots", "schema.ts"))),
    ours: async () => void ours.push(await svcgen(options.cli, root, { keepCache: true })),
  });
  return {
    title: "One spec of four changed",
    about:
      `A project with ${specs.map((s) => s.title).join(", ")} generated once; before each round ${fixture(EDITED).title}'s ` +
      `spec is edited. \`svcgen gen\` of the project vs openapi-typescript on ${fixture(EDITED).title}'s spec alone`,
    rows: [{ label: `${fixture(EDITED).title} changed, four services`, ours, reference, target: TARGETS.changed }],
  };
}

async function ten(options: Options): Promise<Measure> {
  const dir = fresh(join(WORK, "ten"));
  const specs = TEN.map(fixture);
  const ours: Measured[] = [];
  const reference: Measured[] = [];
  await alternate(options.rounds, "ten services", {
    reference: async () => {
      const each: Measured[] = [];
      for (const spec of specs) each.push(await openapiTypescript(specFile(CACHE, spec), join(dir, "ots", `${spec.key}.ts`)));
      reference.push(sum(each));
    },
    ours: async (round) => void ours.push(await svcgen(options.cli, project(join(dir, `run-${round}`), specs))),
  });
  return {
    title: "Ten services cold",
    about: `One project with ${specs.map((s) => s.title).join(", ")}: a cold \`svcgen gen\` vs the sum of openapi-typescript's runs over the same ten specs`,
    rows: [{ label: "ten services, cold", ours, reference, target: TARGETS.ten }],
  };
}

async function tsc(options: Options): Promise<Measure> {
  const dir = fresh(join(WORK, "tsc"));
  const github = fixture("github");
  progress("tsc: generating GitHub's output (openapi-typescript, svcgen ts, svcgen js+dts)");
  ok(await openapiTypescript(specFile(CACHE, github), join(dir, "ots", "schema.ts")), "openapi-typescript");
  writeFileSync(join(dir, "ots", "calls.ts"), OPENAPI_FETCH_CALLS);
  const variants = { ots: join(dir, "ots"), ts: join(dir, "ts"), jsdts: join(dir, "jsdts") };
  for (const [name, target] of [["ts", "ts"], ["jsdts", "js+dts"]] as const) {
    const root = project(variants[name], [github]);
    await svcgen(options.cli, root, { target });
    writeFileSync(join(root, "calls.ts"), SVCGEN_CALLS);
  }
  for (const root of Object.values(variants)) writeTsconfig(join(root, "tsconfig.json"));

  const runs: Record<keyof typeof variants, Measured[]> = { ots: [], ts: [], jsdts: [] };
  const names = Object.keys(variants) as Array<keyof typeof variants>;
  for (let round = 0; round < options.rounds; round++) {
    // Rotated, so each variant goes first, second and third in turn.
    for (const name of names.map((_, j) => names[(round + j) % names.length]!)) {
      const measured = ok(await runNode(TSC, ["-p", "."], { cwd: variants[name], measureUsage: true }), `tsc over ${name}`);
      runs[name].push(measured);
      progress(`  tsc round ${round + 1}: ${name} ${(measured.ms / 1000).toFixed(2)} s`);
    }
  }
  return {
    title: "A user's tsc over GitHub's output + 10 calls",
    about:
      "`tsc -p .` (TypeScript 5.9, strict, skipLibCheck, NodeNext, types: node) over one file of 10 calls and what it imports, " +
      "vs the same calls through openapi-fetch over openapi-typescript's types; the order rotated each round",
    rows: [
      { label: "svcgen `ts` (default) + 10 calls", ours: runs.ts, reference: runs.ots, target: TARGETS.tscTs },
      { label: "svcgen `js+dts` + 10 calls", ours: runs.jsdts, reference: runs.ots, target: TARGETS.tscJsDts },
    ],
  };
}

/** Rounds alternating who goes first, so neither always inherits a warm page cache or a busy neighbour. */
async function alternate(
  rounds: number,
  what: string,
  steps: { before?: (round: number) => void; reference: (round: number) => Promise<void>; ours: (round: number) => Promise<void> },
): Promise<void> {
  progress(`${what}: ${rounds} round${rounds === 1 ? "" : "s"}, alternated`);
  for (let round = 0; round < rounds; round++) {
    steps.before?.(round);
    const order = round % 2 === 0 ? ([steps.reference, steps.ours] as const) : ([steps.ours, steps.reference] as const);
    for (const step of order) await step(round);
  }
}

/** A user's project: services.toml naming each spec under specs/ (hard links, or copies for specs to be edited). */
function project(root: string, specs: readonly SpecFixture[], copied: readonly string[] = []): string {
  fresh(join(root, "specs"));
  let toml = "";
  for (const spec of specs) {
    const file = join(root, "specs", `${spec.key}.json`);
    if (copied.includes(spec.key)) writeFileSync(file, readFileSync(specFile(CACHE, spec)));
    else linkSync(specFile(CACHE, spec), file);
    toml += `[external_services.${spec.key}]\nurl = "http://${spec.key}-api:8080"\nopenapi = "specs/${spec.key}.json"\n\n`;
  }
  writeFileSync(join(root, "services.toml"), toml);
  return root;
}

async function svcgen(cli: Cli, root: string, options: { keepCache?: boolean; target?: string } = {}): Promise<Measured> {
  // A cold run gets a new cache folder: spec loads are cached per spec, and an earlier run's entry would make it warm.
  const cache = join(root, ".svcgen-cache");
  if (!options.keepCache) rmSync(cache, { recursive: true, force: true });
  const args = ["gen", "--config", join(root, "services.toml"), "--out", join(root, "out"), ...(options.target ? ["--target", options.target] : [])];
  // cwd is the repo so `--import tsx` resolves from its node_modules, exactly like `npm run gen`.
  const measured = await runNode(cli.script, args, { cwd: REPO, nodeFlags: cli.nodeFlags, measureUsage: true, env: { SVCGEN_CACHE_DIR: cache } });
  progress(`  svcgen gen ${relative(WORK, root)}: ${(measured.ms / 1000).toFixed(2)} s`);
  return ok(measured, "svcgen gen");
}

async function openapiTypescript(spec: string, out: string): Promise<Measured> {
  mkdirSync(dirname(out), { recursive: true });
  const measured = await runNode(OTS_CLI, [spec, "--output", out], { cwd: dirname(out), measureUsage: true });
  progress(`  openapi-typescript ${relative(CACHE, spec)}: ${(measured.ms / 1000).toFixed(2)} s`);
  return ok(measured, "openapi-typescript");
}

/** Several runs one after another, as one: times and CPU add up, peak RSS is the highest. */
function sum(runs: Measured[]): Measured {
  const peaks = runs.flatMap((m) => (m.peakMiB === undefined ? [] : [m.peakMiB]));
  return {
    ms: runs.reduce((total, m) => total + m.ms, 0),
    cpuMs: runs.reduce((total, m) => total + (m.cpuMs ?? Number.NaN), 0),
    ...(peaks.length > 0 ? { peakMiB: Math.max(...peaks) } : {}),
    code: 0,
    stdout: "",
    stderr: "",
  };
}

function writeTsconfig(file: string): void {
  const compilerOptions = {
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    target: "ES2022",
    lib: ["ES2023"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    types: ["node"],
  };
  writeFileSync(file, `${JSON.stringify({ compilerOptions, files: ["calls.ts"] }, null, 2)}\n`);
}

function ok(measured: Measured, what: string): Measured {
  if (measured.code !== 0) throw new BenchError(`${what} exited with ${measured.code}:\n${tail(measured.stdout + measured.stderr, 25)}`);
  return measured;
}

function fresh(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function seconds(runs: Measured[]): string {
  return runs.map((m) => `${(m.ms / 1000).toFixed(2)} s`).join(", ");
}

function list(raw: string | undefined): string[] {
  return (raw ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
}

function positive(raw: string | undefined, flag: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new BenchError(`${flag} must be a positive integer, got ${raw}`);
  return value;
}

function progress(message: string): void {
  console.error(`· ${message}`);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof BenchError ? `bench/gen.ts: ${error.message}` : error);
    process.exitCode = 1;
  },
);
