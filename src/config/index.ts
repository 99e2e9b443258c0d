// services.toml → ConfigModel. Pure: the caller reads the file; `file` is only used in diagnostics.
import { parse, TomlError } from "smol-toml";
import type { Diagnostic } from "../model/types.js";
import { type ReadContext, keyLocation, pathId, valueLocation } from "./context.js";
import { DiagnosticSink } from "./diagnostics.js";
import { isDnsLabel, DNS_LABEL_RULE } from "./formats.js";
import { CALLER_TABLE, DEFAULTS_TABLE, OUTPUT_TABLE, RESILIENCE_TABLE, ROOT_TABLE, type TableSpec } from "./keys.js";
import { locateKeys } from "./locate.js";
import { builtinLayer, checkBreakerMode, mergeLayers, resilienceLayer } from "./policy.js";
import { type Layer, readTable, reportUnknownKey } from "./read.js";
import { checkServiceKeys, readService } from "./service.js";
import type { CallerConfig, ConfigModel, ServiceConfig } from "./types.js";
import type { OutputTarget } from "../emit/targets.js";
import { checkValue } from "./values.js";

export { formatDiagnostic } from "./diagnostics.js";
export type { AuthSourceConfig, CallerConfig, ConfigModel, OperationOverride, ServiceConfig, TlsConfig } from "./types.js";

export interface ParseConfigResult {
  /** The config to generate from: absent when any diagnostic is an error. */
  config?: ConfigModel;
  /**
   * What could be read, errors or not: every service that can still be built (a usable url), with rejected values
   * falling back to the layer below and unknown keys left out. Absent only when the TOML itself does not parse.
   * Equal to `config` when there is no error. generate() loads specs and checks operation overrides on it, so one
   * run reports config, spec and override problems together.
   */
  readable?: ConfigModel;
  /**
   * Keys of readable services in which a rejected value was replaced by the layer below's (all of them when the
   * rejected value is outside [external_services]). Checks of their values (mesh, manifests) would judge a value the
   * user did not write; what does not depend on values, such as operation names against a spec, can still be checked.
   * Empty when there is no error.
   */
  withFallbacks: ReadonlySet<string>;
  /** Sorted by line, then column. */
  diagnostics: Diagnostic[];
}

export function parseConfig(text: string, file: string): ParseConfigResult {
  const sink = new DiagnosticSink();
  // Editors do not count a byte-order mark as a column.
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  let doc: Record<string, unknown>;
  try {
    doc = parse(source, { integersAsBigInt: true, unsafeKeyBehaviour: "throw" });
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    sink.error("config/syntax", `invalid TOML: ${syntaxReason(error, source)}`, { file, line: error.line, column: error.column });
    return { withFallbacks: new Set(), diagnostics: sink.sorted() };
  }
  const ctx: ReadContext = { file, positions: locateKeys(source), sink, rejected: new Set() };

  for (const key of Object.keys(doc)) {
    if (!Object.hasOwn(ROOT_TABLE.keys, key)) reportUnknownKey(key, ROOT_TABLE, [], ctx);
  }
  const caller = readCaller(doc, ctx);
  const output = readOutput(doc, ctx);
  const resilience = resilienceLayer(readSection(doc, "resilience", RESILIENCE_TABLE, ctx));
  const defaults = readSection(doc, "defaults", DEFAULTS_TABLE, ctx);
  checkBreakerMode(defaults, ctx);
  const shared = mergeLayers([builtinLayer(), resilience, defaults]);

  const services: ServiceConfig[] = [];
  const external = doc.external_services;
  if (external !== undefined && checkValue(ROOT_TABLE.keys.external_services!.value, external, ["external_services"], ctx).ok) {
    const table = external as Record<string, unknown>;
    const keys = Object.keys(table).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const unusable = checkServiceKeys(keys, ctx);
    for (const key of keys) {
      // A key that cannot name a service still has its table checked, but is not built.
      const service = readService(key, table[key], shared, ctx);
      if (service && !unusable.has(key)) services.push(service);
    }
  }

  const readable: ConfigModel = { file, ...(caller ? { caller } : {}), ...(output ? { output } : {}), services };
  const withFallbacks = new Set<string>();
  // A rejected value is always reported as an error; without one, every service is as the user wrote it.
  for (const id of sink.hasErrors ? ctx.rejected : []) {
    const path = JSON.parse(id) as string[];
    const own = path[0] === "external_services" && path.length > 2;
    for (const service of services) if (!own || service.key === path[1]) withFallbacks.add(service.key);
  }
  return { ...(sink.hasErrors ? {} : { config: readable }), readable, withFallbacks, diagnostics: sink.sorted() };
}

/** smol-toml's message without its "Invalid TOML document:" prefix and code excerpt. */
function syntaxReason(error: TomlError, source: string): string {
  const first = (error.message.split("\n")[0] ?? "").replace(/^Invalid TOML document:\s*/, "");
  if (!/unsafe property/i.test(first)) return first;
  // smol-toml refuses keys that would reach Object.prototype but does not say which; name it.
  const line = source.split(/\r?\n/)[error.line - 1] ?? "";
  const key = /(?:^|[\s.\["'])(__proto__|constructor|prototype)(?=$|[\s.\]="'])/.exec(line)?.[1];
  return key
    ? `the key "${key}" is not supported (it names a JavaScript object property); rename it`
    : "a key names a JavaScript object property (__proto__, constructor or prototype); rename it";
}

function readSection(doc: Record<string, unknown>, key: "defaults" | "resilience", spec: TableSpec, ctx: ReadContext): Layer {
  const raw = doc[key];
  if (raw === undefined) return new Map();
  if (!checkValue(spec, raw, [key], ctx).ok) {
    ctx.rejected.add(pathId([key]));
    return new Map();
  }
  return readTable(raw as Record<string, unknown>, spec, [key], key, ctx);
}

function readOutput(doc: Record<string, unknown>, ctx: ReadContext): ConfigModel["output"] {
  const raw = doc.output;
  if (raw === undefined) return undefined;
  if (!checkValue(OUTPUT_TABLE, raw, ["output"], ctx).ok) {
    ctx.rejected.add(pathId(["output"]));
    return undefined;
  }
  // An unknown target was reported (with the list) and left out.
  const target = readTable(raw as Record<string, unknown>, OUTPUT_TABLE, ["output"], "service", ctx).get("target");
  if (target === undefined) return undefined;
  return { target: target.value as OutputTarget, location: keyLocation(ctx, ["output", "target"]) };
}

function readCaller(doc: Record<string, unknown>, ctx: ReadContext): CallerConfig | undefined {
  const raw = doc.service;
  if (raw === undefined) return undefined;
  if (!checkValue(CALLER_TABLE, raw, ["service"], ctx).ok) {
    ctx.rejected.add(pathId(["service"]));
    return undefined;
  }
  const table = readTable(raw as Record<string, unknown>, CALLER_TABLE, ["service"], "service", ctx);
  const networkPolicy = table.get("network_policy")?.value === true;
  const name = table.get("name");
  if (name === undefined) {
    // The policy is named after the caller, and its default pod labels are `app: <name>`.
    if (networkPolicy && !ctx.rejected.has(pathId(["service", "name"]))) {
      const message = '"network_policy" needs the caller\'s "name" in [service] (the policy\'s name and default pod labels)';
      ctx.sink.error("config/missing-key", message, keyLocation(ctx, ["service", "network_policy"]));
    }
    return undefined;
  }
  const value = name.value as string;
  // Only mesh egress rules use the caller's name, so a non-DNS name warns instead of blocking generation.
  if (!isDnsLabel(value)) {
    const message = `"name" should be ${DNS_LABEL_RULE} to be used in mesh rules, got ${JSON.stringify(value)}`;
    ctx.sink.warning("config/invalid-value", message, valueLocation(ctx, ["service", "name"]));
  }
  const caller: CallerConfig = { name: value, location: keyLocation(ctx, ["service", "name"]) };
  const namespace = table.get("namespace");
  if (namespace) caller.namespace = namespace.value as string;
  const labels = table.get("labels");
  if (labels) caller.labels = labels.value as Record<string, string>;
  if (networkPolicy) caller.networkPolicy = { location: keyLocation(ctx, ["service", "network_policy"]) };
  return caller;
}
