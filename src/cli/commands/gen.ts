// `svcgen gen`: run the pipeline and make the output folder match it (or, with --check, only say whether it does).
import { realpathSync } from "node:fs";
import path from "node:path";
import { entryFile, freshEntry, newEntry, writeEntry } from "../cache/entry.js";
import type { CacheEntry, CacheScope } from "../cache/entry.js";
import { selfFingerprint } from "../cache/fingerprint.js";
import { SpecDiskCache } from "../cache/specs.js";
import type { Command } from "../command.js";
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_STALE } from "../command.js";
import { displayDir, toPosix } from "../format.js";
import { loadRealGenerate } from "../io.js";
import { applyPlan } from "../output/apply.js";
import { behindLinkInside, linkMessage } from "../output/links.js";
import { planOutput, staleFiles } from "../output/plan.js";
import { undeclaredRuntimeNote } from "../output/runtime-packages.js";
import { reportDiagnostics, strictly } from "./diagnostics.js";
import { OUTPUT_TARGETS, isOutputTarget } from "../../emit/targets.js";

export const genCommand: Command = {
  name: "gen",
  summary: "generate clients and manifests from services.toml into generated/",
  usage: `Usage: svcgen gen [--config <file>] [--out <dir>] [--check] [--strict] [--quiet]

Reads the config and the specs it names, and makes the output folder match: writes new and changed files,
leaves identical ones alone, and removes files svcgen generated earlier that it no longer produces.
Nothing is written when any input has an error.

Options:
  --config <file>  config to read (default: services.toml)
  --out <dir>      output folder (default: generated)
  --target <t>     ts (default) or js+dts: TypeScript sources, or JavaScript + declarations with a package.json;
                   wins over services.toml's [output] target
  --check          write nothing; list stale files and exit 1 if the output folder is out of date
  --strict         treat warnings (lint findings included) as errors: report them, exit 2, write nothing
  --quiet          print only diagnostics and stale files
  --no-cache       always run the generator and load every spec (use no cache, store none)
  -h, --help       show this help

Exit codes: 0 ok, 1 stale (--check), 2 bad input or usage, 3 I/O failure or internal error.
`,
  options: {
    config: { type: "string", default: "services.toml" },
    out: { type: "string", default: "generated" },
    target: { type: "string" },
    check: { type: "boolean", default: false },
    strict: { type: "boolean", default: false },
    quiet: { type: "boolean", default: false },
    "no-cache": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  async run(values, io, options) {
    const configPath = String(values.config);
    const outDir = path.resolve(io.cwd, String(values.out));
    const check = values.check === true;
    const quiet = values.quiet === true;
    const strict = values.strict === true;
    const shownDir = displayDir(io.cwd, outDir);
    const say = (line: string): void => {
      if (!quiet) io.stdout.write(`${line}\n`);
    };

    const target = values.target === undefined ? undefined : String(values.target);
    if (target !== undefined && !isOutputTarget(target)) {
      io.stderr.write(`svcgen: --target must be one of ${OUTPUT_TARGETS.map((t) => `"${t}"`).join(", ")}, got "${target}"\n`);
      return EXIT_BAD_INPUT;
    }
    // The flag is not in any input file: it is part of the cache key (services.toml's [output] target is hashed with it).
    const fingerprint = `${options.fingerprint ?? selfFingerprint()}${target !== undefined ? `\0target=${target}` : ""}`;
    const scope: CacheScope | undefined =
      values["no-cache"] === true
        ? undefined
        : { cwd: io.cwd, configPath, outDir, env: io.env, fingerprint };
    // The cache lives outside the output folder unless `--out` contains it; it is never written through a link there.
    const mayWrite = (file: string): boolean => !behindLinkInside(outDir, realOutDir(outDir), file);
    const store = (entry: CacheEntry | undefined): void => {
      if (scope !== undefined && entry !== undefined && mayWrite(entryFile(scope))) writeEntry(scope, entry);
    };

    const cached = scope === undefined ? undefined : freshEntry(scope);
    if (cached !== undefined) {
      store(cached.refreshed);
      if (reportDiagnostics(strictly(cached.entry.warnings, strict), io)) return EXIT_BAD_INPUT;
      say(`svcgen: ${shownDir} is up to date`);
      return EXIT_OK;
    }

    const generate = options.generate ?? loadRealGenerate;
    // Each spec's load is cached on its own: with one spec changed, the others come from there. Loads do not depend
    // on the output target, so their key is svcgen's own fingerprint.
    const specCache = scope === undefined ? undefined : new SpecDiskCache({ ...scope, fingerprint: options.fingerprint ?? selfFingerprint(), mayWrite });
    const result = await generate({ configPath, cwd: io.cwd, ...(target !== undefined ? { target } : {}), ...(specCache === undefined ? {} : { specCache }) });
    if (reportDiagnostics(strictly(result.diagnostics, strict), io)) return EXIT_BAD_INPUT;
    const warnings = result.diagnostics.filter((diagnostic) => diagnostic.severity === "warning");

    const plan = planOutput(outDir, result.files);
    if (plan.links.length > 0) {
      // Refused before anything is written or removed, --check included: a link is reported, never followed.
      for (const link of plan.links) io.stderr.write(`${linkMessage(toPosix(path.relative(io.cwd, path.join(outDir, link))))}\n`);
      return EXIT_BAD_INPUT;
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
        return EXIT_STALE;
      }
      save();
      say(`svcgen: ${shownDir} is up to date`);
      return EXIT_OK;
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
    return EXIT_OK;
  },
};

/** The output folder with links resolved, as planOutput sees it; itself while it does not exist. */
function realOutDir(outDir: string): string {
  try {
    return realpathSync(outDir);
  } catch {
    return outDir;
  }
}
