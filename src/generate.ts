// The whole pipeline, minus the disk writes: config → specs → model → emitters.
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig } from "./config/index.js";
import { locateKeys } from "./config/locate.js";
import { emitYaml, validateManifests } from "./emit/yaml/index.js";
import { lint } from "./lint/index.js";
import type { GeneratedFile } from "./emit/files.js";
import { emitTypeScript, type RuntimeSource } from "./emit/ts/index.js";
import { buildModel } from "./model/build.js";
import type { Diagnostic, Model, OpenApiModel, ProtoModel } from "./model/types.js";
import { loadOpenApi } from "./specs/openapi/index.js";
import { loadProto } from "./specs/proto/index.js";

export interface GenerateRequest {
  /** Config path as the user gave it (relative to cwd, or absolute). */
  configPath: string;
  cwd: string;
}

export interface GenerateResult {
  /** Sorted by path; empty when any error diagnostic exists. */
  files: GeneratedFile[];
  /** Errors and warnings, sorted by file, line, column. */
  diagnostics: Diagnostic[];
  /** Absolute paths of every input file read (config first), for the content-hash cache. */
  inputs: string[];
  model?: Model;
}

/** The package root: src/generate.ts and dist/generate.js both sit one level below it. */
const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export async function generate(request: GenerateRequest): Promise<GenerateResult> {
  const configAbs = path.resolve(request.cwd, request.configPath);
  const configDir = path.dirname(configAbs);
  // Diagnostics name files relative to where the user stands, so editors can jump to them.
  const shown = (abs: string): string => toPosix(path.relative(request.cwd, abs) || path.basename(abs));
  const configShown = shown(configAbs);
  const inputs = [configAbs];

  let text: string;
  try {
    text = await readFile(configAbs, "utf8");
  } catch (e) {
    return fail(inputs, [
      {
        severity: "error",
        code: "config/unreadable",
        message: `cannot read the config file: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
        location: { file: configShown },
      },
    ]);
  }

  const parsed = parseConfig(text, configShown);
  if (!parsed.config) return fail(inputs, parsed.diagnostics);
  const diagnostics = [...parsed.diagnostics];

  const specs = new Map<string, OpenApiModel>();
  const loads = parsed.config.services.map(async (s) => {
    if (!s.openapi) return;
    const absPath = path.resolve(configDir, s.openapi.path);
    const loaded = await loadOpenApi({ absPath, relPath: toPosix(s.openapi.path) }, configDir, { refRoots: s.refRoots });
    // Spec diagnostics are relative to the config's folder; show them relative to the cwd like the config's.
    for (const d of loaded.diagnostics) {
      diagnostics.push({ ...d, location: { ...d.location, file: shown(path.resolve(configDir, d.location.file)) } });
    }
    if (loaded.model) {
      specs.set(s.key, loaded.model);
      for (const input of loaded.model.inputs) inputs.push(path.resolve(configDir, input));
    }
  });
  await Promise.all(loads);
  // .proto files are small and parsed synchronously (protobufjs): one service after the other, in key order.
  const protos = new Map<string, ProtoModel>();
  for (const s of parsed.config.services) {
    if (!s.proto) continue;
    const loaded = loadProto({
      files: s.proto.paths,
      protoPaths: s.proto.protoPaths,
      baseDir: configDir,
      refRoots: s.refRoots,
      retryOn: s.grpcRetryOn ?? [],
      show: shown,
      at: s.proto.location,
    });
    diagnostics.push(...loaded.diagnostics);
    inputs.push(...loaded.read);
    if (!loaded.model) continue;
    protos.set(s.key, loaded.model);
    if (loaded.model.services.length === 0) {
      diagnostics.push({
        severity: "warning",
        code: "proto/no-services",
        message: `${s.proto.paths.join(", ")} declare${s.proto.paths.length === 1 ? "s" : ""} no service: ${s.key} gets no gRPC client`,
        location: s.proto.location,
      });
    }
  }
  if (hasErrors(diagnostics)) return fail(inputs, diagnostics);

  const positions = locateKeys(text);
  const built = buildModel(
    parsed.config,
    specs,
    (keyPath) => {
      const at = positions.key(keyPath);
      return at ? { file: configShown, line: at.line, column: at.column } : undefined;
    },
    protos,
  );
  diagnostics.push(...built.diagnostics);
  if (!built.model || hasErrors(diagnostics)) return fail(inputs, diagnostics);
  diagnostics.push(...validateManifests(built.model));
  if (hasErrors(diagnostics)) return fail(inputs, diagnostics);
  // Lint findings are warnings here; `svcgen lint --strict` is the gate that fails on them.
  diagnostics.push(...lint(built.model));

  const runtime = await readRuntime();
  const files = [...emitTypeScript(built.model, { runtime }), ...emitYaml(built.model)].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
  );
  return { files, diagnostics: sortDiagnostics(diagnostics), inputs: unique(inputs), model: built.model };
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
