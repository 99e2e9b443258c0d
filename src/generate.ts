// The whole pipeline, minus the disk writes: config → specs → model → emitters. Problems are collected from every
// stage and reported together; files are emitted only when there is none.
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig, type ServiceConfig } from "./config/index.js";
import { locateKeys } from "./config/locate.js";
import type { GeneratedFile } from "./emit/files.js";
import type { RuntimeSource } from "./emit/ts/index.js";
import { DEFAULT_OUTPUT_TARGET, applyTarget, type OutputTarget } from "./emit/targets.js";
import type { Diagnostic, Model } from "./model/types.js";
import { unreadableFile } from "./specs/files.js";
import { loadSpecs, type SpecCache } from "./specs/index.js";
import { showPath } from "./specs/loader.js";

export interface GenerateRequest {
  /** Config path as the user gave it (relative to cwd, or absolute). */
  configPath: string;
  cwd: string;
  /** `gen --target`: wins over services.toml's `[output] target` (default "ts"). */
  target?: OutputTarget;
  /** Spec loads kept between runs (the CLI's disk cache); without it every spec is loaded. */
  specCache?: SpecCache;
  /** false: stop at the model and its lint (`svcgen graph`, `svcgen model`); no files are emitted. Default true. */
  emit?: boolean;
  /** Threads that may load specs at once, the main thread included (default: os.availableParallelism()). */
  threads?: number;
}

export interface GenerateResult {
  /** Sorted by path; empty when any error diagnostic exists. */
  files: GeneratedFile[];
  /** Errors and warnings, sorted by file, line, column. */
  diagnostics: Diagnostic[];
  /** Absolute paths of every input file read (config first), for the content-hash cache. */
  inputs: string[];
  /** Absolute paths looked for and not found before an input that was read: a file appearing there changes the result. */
  absent?: string[];
  model?: Model;
}

/** The package root: src/generate.ts and dist/generate.js both sit one level below it. */
const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export async function generate(request: GenerateRequest): Promise<GenerateResult> {
  const configAbs = path.resolve(request.cwd, request.configPath);
  const configDir = path.dirname(configAbs);
  const shown = (abs: string): string => showPath(request.cwd, abs);
  const configShown = shown(configAbs);
  const inputs = [configAbs];

  let text: string;
  try {
    text = await readFile(configAbs, "utf8");
  } catch (e) {
    return fail(inputs, [unreadableFile("config", configShown, { file: configShown }, e)]);
  }

  // Every stage below runs on what could be read, so one run reports config, spec, proto and override problems
  // together; only a config that does not parse as TOML stops here, as nothing else can be known.
  const parsed = parseConfig(text, configShown);
  const config = parsed.readable;
  if (!config) return fail(inputs, parsed.diagnostics);
  const diagnostics = [...parsed.diagnostics];

  const [loaded, { buildModel, lint, emitTypeScript, emitYaml, validateManifests }] = await Promise.all([
    loadSpecs(
      config.services,
      { configDir, cwd: request.cwd },
      { ...(request.specCache ? { cache: request.specCache } : {}), ...(request.threads ? { threads: request.threads } : {}) },
    ),
    importStages(),
  ]);
  diagnostics.push(...loaded.diagnostics);
  inputs.push(...loaded.inputs);
  const absent = unique(loaded.absent);

  // A service whose spec did not load is still built, so its other keys are checked; its operation overrides are
  // not, since without the spec buildModel would call every one of them unknown.
  const services = config.services.map((s) => (loaded.failed.has(s.key) ? { ...s, operations: [] } : s));
  const positions = locateKeys(text);
  const build = (only: readonly ServiceConfig[]) =>
    buildModel(
      { ...config, services: [...only] },
      loaded.specs.openapi,
      (keyPath) => {
        const at = positions.key(keyPath);
        return at ? { file: configShown, line: at.line, column: at.column } : undefined;
      },
      loaded.specs.proto,
    );
  const built = build(services.filter((s) => !parsed.withFallbacks.has(s.key)));
  diagnostics.push(...built.diagnostics);
  if (built.model) diagnostics.push(...validateManifests(built.model));
  // A service in which a rejected value fell back to a default gets only the checks that do not depend on values,
  // one service at a time: its operation overrides against its spec. Mesh and manifest checks would judge the
  // default, not what the user wrote.
  for (const service of services.filter((s) => parsed.withFallbacks.has(s.key))) {
    const overrides = new Set(service.operations.map((o) => locationId(o.location)));
    diagnostics.push(...build([service]).diagnostics.filter((d) => overrides.has(locationId(d.location))));
  }
  if (!built.model || hasErrors(diagnostics)) return { ...fail(inputs, diagnostics), absent };
  // Lint findings are warnings here; `svcgen lint --strict` is the gate that fails on them.
  diagnostics.push(...lint(built.model));
  if (request.emit === false) return { files: [], diagnostics: sortDiagnostics(diagnostics), inputs: unique(inputs), absent, model: built.model };

  const runtime = await readRuntime();
  const target = request.target ?? config.output?.target ?? DEFAULT_OUTPUT_TARGET;
  const files = (await applyTarget([...emitTypeScript(built.model, { runtime }), ...emitYaml(built.model)], target)).sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
  return { files, diagnostics: sortDiagnostics(diagnostics), inputs: unique(inputs), absent, model: built.model };
}

/**
 * The stages after loading, imported while the specs load rather than before: worker threads start loading without
 * waiting for the main thread to compile the emitters.
 */
async function importStages() {
  const [build, linter, ts, yaml] = await Promise.all([
    import("./resolve/build.js"),
    import("./lint/index.js"),
    import("./emit/ts/index.js"),
    import("./emit/yaml/index.js"),
  ]);
  return {
    buildModel: build.buildModel,
    lint: linter.lint,
    emitTypeScript: ts.emitTypeScript,
    emitYaml: yaml.emitYaml,
    validateManifests: yaml.validateManifests,
  };
}

/** The runtime's own sources, which every generated client carries. */
export async function readRuntime(): Promise<RuntimeSource[]> {
  const root = path.join(PACKAGE_ROOT, "src", "runtime");
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".test.ts"))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  return Promise.all(
    files.map(async (abs) => ({ path: toPosix(path.relative(root, abs)), content: await readFile(abs, "utf8") })),
  );
}

function fail(inputs: string[], diagnostics: Diagnostic[]): GenerateResult {
  return { files: [], diagnostics: sortDiagnostics(diagnostics), inputs: unique(inputs) };
}

function locationId(at: Diagnostic["location"]): string {
  return JSON.stringify([at.file, at.line, at.column, at.pointer]);
}

function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic): [string, number, number, string, string] => [
    d.location.file,
    d.location.line ?? 0,
    d.location.column ?? 0,
    d.location.pointer ?? "",
    d.message,
  ];
  return [...diagnostics].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) {
      if (ka[i]! < kb[i]!) return -1;
      if (ka[i]! > kb[i]!) return 1;
    }
    return 0;
  });
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

function toPosix(p: string): string {
  return p.split(path.sep).join("/");
}
