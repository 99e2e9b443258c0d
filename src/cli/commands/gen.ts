// `svcgen gen`: run the pipeline and make the output folder match it (or, with --check, only say whether it does;
// with --watch, again after every change to its inputs).
import { realpathSync } from "node:fs";
import path from "node:path";
import { entryFile, freshEntry, newEntry, writeEntry } from "../cache/entry.js";
import type { CacheEntry, CacheScope } from "../cache/entry.js";
import { selfFingerprint } from "../cache/fingerprint.js";
import { SpecDiskCache } from "../cache/specs.js";
import type { Command } from "../command.js";
import { EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, EXIT_STALE, UsageError } from "../command.js";
import { describeFailure, displayDir, toPosix } from "../format.js";
import { loadRealGenerate } from "../io.js";
import type { CliIo, MainOptions } from "../io.js";
import { applyPlan } from "../output/apply.js";
import { behindLinkInside, linkMessage } from "../output/links.js";
import { planOutput, staleFiles } from "../output/plan.js";
import { undeclaredRuntimeNote } from "../output/runtime-packages.js";
import { reportDiagnostics, strictly } from "./diagnostics.js";
import { watchLoop } from "../watch/loop.js";
import { OUTPUT_TARGETS, isOutputTarget } from "../../emit/targets.js";
import type { OutputTarget } from "../../emit/targets.js";
import { realClock } from "../../runtime/clock.js";

export const genCommand: Command = {
  name: "gen",
  summary: "generate clients and manifests from services.toml into generated/",
  usage: `Usage: svcgen gen [--config <file>] [--out <dir>] [--check | --watch] [--strict] [--quiet]

Reads the config and the specs it names, and makes the output folder match: writes new and changed files,
leaves identical ones alone, and removes files svcgen generated earlier that it no longer produces.
Nothing is written when any input has an error.

Options:
  --config <file>  config to read (default: services.toml)
  --out <dir>      output folder (default: generated)
  --target <t>     ts (default) or js+dts: TypeScript sources, or JavaScript + declarations with a package.json;
                   wins over services.toml's [output] target
  --check          write nothing; list stale files and exit 1 if the output folder is out of date
  --watch          stay running: generate again whenever the config, a spec, a file a spec $refs or a .proto
                   changes; errors are reported and the last good output stays in place. Ctrl-C stops (exit 0)
  --strict         treat warnings (lint findings included) as errors: report them, exit 2, write nothing
  --quiet          print only diagnostics and stale files
  --no-cache       always run the generator and load every spec (use no cache, store none)
  -h, --help       show this help

Exit codes: 0 ok (--watch: stopped), 1 stale (--check), 2 bad input or usage, 3 I/O failure or internal error.
`,
  options: {
    config: { type: "string", default: "services.toml" },
    out: { type: "string", default: "generated" },
    target: { type: "string" },
    check: { type: "boolean", default: false },
    watch: { type: "boolean", default: false },
    strict: { type: "boolean", default: false },
    quiet: { type: "boolean", default: false },
    "no-cache": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  async run(values, io, options) {
    const watching = values.watch === true;
    if (watching && values.check === true) throw new UsageError("--watch and --check cannot be used together", "gen");
    const target = values.target === undefined ? undefined : String(values.target);
    if (target !== undefined && !isOutputTarget(target)) {
      io.stderr.write(`svcgen: --target must be one of ${OUTPUT_TARGETS.map((t) => `"${t}"`).join(", ")}, got "${target}"\n`);
      return EXIT_BAD_INPUT;
    }
    const settings: GenSettings = {
      configPath: String(values.config),
      outDir: path.resolve(io.cwd, String(values.out)),
      target,
      check: values.check === true,
      quiet: values.quiet === true,
      strict: values.strict === true,
      cache: values["no-cache"] !== true,
    };
    if (!watching) return (await genOnce(settings, io, options)).code;
    return watchGen(settings, io, options);
  },
};

/** What one run of gen is asked to do, from the command line. */
interface GenSettings {
  /** As given: the model records it. */
  configPath: string;
  outDir: string;
  target: OutputTarget | undefined;
  check: boolean;
  quiet: boolean;
  strict: boolean;
  cache: boolean;
}

interface GenRun {
  code: number;
  /** Absolute paths the run read, config first, and paths it looked for and did not find: what --watch watches. */
  inputs: string[];
}

/** One run of `svcgen gen`: reports, writes (unless --check) and returns its exit code. */
async function genOnce(settings: GenSettings, io: CliIo, options: MainOptions): Promise<GenRun> {
  const { configPath, outDir, target, check, quiet, strict } = settings;
  const configAbsolute = path.resolve(io.cwd, configPath);
  const shownDir = displayDir(io.cwd, outDir);
  const say = (line: string): void => {
    if (!quiet) io.stdout.write(`${line}\n`);
  };

  // The flag is not in any input file: it is part of the cache key (services.toml's [output] target is hashed with it).
  const self = options.fingerprint ?? selfFingerprint();
  const fingerprint = `${self}${target !== undefined ? `\0target=${target}` : ""}`;
  const scope: CacheScope | undefined = settings.cache ? { cwd: io.cwd, configPath, outDir, env: io.env, fingerprint } : undefined;
  // The cache lives outside the output folder unless `--out` contains it; it is never written through a link there.
  const mayWrite = (file: string): boolean => !behindLinkInside(outDir, realOutDir(outDir), file);
  const store = (entry: CacheEntry | undefined): void => {
    if (scope !== undefined && entry !== undefined && mayWrite(entryFile(scope))) writeEntry(scope, entry);
  };

  const cached = scope === undefined ? undefined : freshEntry(scope);
  if (cached !== undefined) {
    const inputs = [configAbsolute, ...cached.entry.inputs, ...cached.entry.absent];
    store(cached.refreshed);
    if (reportDiagnostics(strictly(cached.entry.warnings, strict), io)) return { code: EXIT_BAD_INPUT, inputs };
    say(`svcgen: ${shownDir} is up to date`);
    return { code: EXIT_OK, inputs };
  }

  const generate = options.generate ?? loadRealGenerate;
  // Each spec's load is cached on its own: with one spec changed, the others come from there. Loads do not depend
  // on the output target, so their key is svcgen's own fingerprint.
  const specCache = scope === undefined ? undefined : new SpecDiskCache({ ...scope, fingerprint: self, mayWrite });
  const result = await generate({ configPath, cwd: io.cwd, ...(target !== undefined ? { target } : {}), ...(specCache === undefined ? {} : { specCache }) });
  const inputs = [configAbsolute, ...result.inputs, ...(result.absent ?? [])];
  if (reportDiagnostics(strictly(result.diagnostics, strict), io)) return { code: EXIT_BAD_INPUT, inputs };
  const warnings = result.diagnostics.filter((diagnostic) => diagnostic.severity === "warning");

  const plan = planOutput(outDir, result.files);
  if (plan.links.length > 0) {
    // Refused before anything is written or removed, --check included: a link is reported, never followed.
    for (const link of plan.links) io.stderr.write(`${linkMessage(toPosix(path.relative(io.cwd, path.join(outDir, link))))}\n`);
    return { code: EXIT_BAD_INPUT, inputs };
  }
  const save = (): void => {
    if (scope !== undefined) store(newEntry(scope, result, result.files, warnings));
  };
  if (check) {
    const stale = staleFiles(plan);
    if (stale.length > 0) {
      for (const file of stale) io.stdout.write(`stale: ${file.path} (${file.reason})\n`);
      const count = stale.length === 1 ? "1 file is" : `${stale.length} files are`;
      io.stderr.write(`svcgen: ${count} stale in ${shownDir}; run \`svcgen gen\` and commit the result\n`);
      return { code: EXIT_STALE, inputs };
    }
    save();
    say(`svcgen: ${shownDir} is up to date`);
    return { code: EXIT_OK, inputs };
  }

  applyPlan(plan);
  save();
  const written = plan.writes.length;
  say(
    `svcgen: ${written} ${written === 1 ? "file" : "files"} written, ${plan.unchanged.length} unchanged, ` +
      `${plan.removals.length} removed (${shownDir})`,
  );
  const note = quiet ? undefined : undeclaredRuntimeNote(result.files, outDir);
  if (note !== undefined) io.stderr.write(`${note}\n`);
  return { code: EXIT_OK, inputs };
}

/** Quiet time after the last file event before a run starts: an editor's save is several events. */
export const WATCH_DEBOUNCE_MS = 100;

/**
 * `--watch`: a run now and after every change to what the last run read, until Ctrl-C (or `options.signal`).
 * A failed run (bad input, or an I/O error) is reported and the loop goes on; the output folder keeps the last good
 * result, since a failed run writes nothing.
 */
async function watchGen(settings: GenSettings, io: CliIo, options: MainOptions): Promise<number> {
  const interrupt = options.signal === undefined ? onInterrupt() : undefined;
  const signal = options.signal ?? interrupt!.signal;
  const configAbsolute = path.resolve(io.cwd, settings.configPath);
  const shownDir = displayDir(io.cwd, settings.outDir);
  const note = (line: string): void => {
    if (!settings.quiet) io.stderr.write(`${line}\n`);
  };
  // A run that fails early (a TOML typo) reads only the config; the last good run's inputs stay watched meanwhile.
  let lastGood: readonly string[] = [];
  let last: number = EXIT_OK;
  let announced = false;
  try {
    await watchLoop({
      signal,
      clock: options.clock ?? realClock,
      debounceMs: WATCH_DEBOUNCE_MS,
      run: async () => {
        let outcome: GenRun;
        try {
          outcome = await genOnce(settings, io, options);
        } catch (error) {
          io.stderr.write(`svcgen: ${describeFailure(error)}\n`);
          outcome = { code: EXIT_FAILURE, inputs: [configAbsolute] };
        }
        last = outcome.code;
        if (last === EXIT_OK) lastGood = outcome.inputs;
        return last === EXIT_OK ? outcome.inputs : [...outcome.inputs, ...lastGood];
      },
      // Printed once the watchers are in place, so a change made after seeing it is never missed.
      onWaiting: () => {
        // Bad input writes nothing; an I/O failure may have stopped halfway through writing.
        if (last === EXIT_BAD_INPUT) note(`svcgen: ${shownDir} left as it was; watching for changes`);
        else if (last !== EXIT_OK || !announced) note("svcgen: watching for changes (Ctrl-C to stop)");
        announced = true;
      },
    });
  } finally {
    interrupt?.dispose();
  }
  return EXIT_OK;
}

/** Ctrl-C as an abort signal, so the loop can close its watchers and the process exit 0 on its own. */
function onInterrupt(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  process.once("SIGINT", abort);
  return { signal: controller.signal, dispose: () => process.removeListener("SIGINT", abort) };
}

/** The output folder with links resolved, as planOutput sees it; itself while it does not exist. */
function realOutDir(outDir: string): string {
  try {
    return realpathSync(outDir);
  } catch {
    return outDir;
  }
}
