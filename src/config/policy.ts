// Policy layers: built-in defaults → [resilience] → [defaults] → the service table, merged key by key and
// resolved once into the model's ResolvedPolicy.
import type { SourceLocation } from "../diagnostics.js";
import type { CircuitBreakerPolicy, HealthCheckPolicy, ResolvedPolicy, RetryPolicy } from "../model/types.js";
import { DEFAULT_HEALTH_CHECK } from "../runtime/vocabulary.js";
import { BUILTIN_DEFAULTS } from "./builtins.js";
import { type ReadContext, pathId, q } from "./context.js";
import type { Layer, LayerName, Sourced } from "./read.js";

const RANK: Record<LayerName, number> = { builtin: 0, resilience: 1, defaults: 2, service: 3 };
const LAYER_TITLE: Record<LayerName, string> = {
  builtin: "the built-in defaults",
  resilience: "[resilience]",
  defaults: "[defaults]",
  service: "the service",
};

/** The service a policy is resolved for: where its table is, for problems not tied to one of its keys. */
export interface ServiceRef {
  key: string;
  at: SourceLocation;
}

export function builtinLayer(): Layer {
  const layer: Layer = new Map();
  const walk = (node: Record<string, unknown>, prefix: string): void => {
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        walk(value as Record<string, unknown>, `${prefix}${key}.`);
      } else {
        layer.set(prefix + key, { value, layer: "builtin" });
      }
    }
  };
  walk(BUILTIN_DEFAULTS, "");
  return layer;
}

/** Maps acton-service's ResilienceConfig names (as read from [resilience]) onto policy keys. */
export function resilienceLayer(read: Layer): Layer {
  const layer: Layer = new Map();
  const map = (from: string, to: string, convert: (v: unknown) => unknown = (v) => v): void => {
    const entry = read.get(from);
    if (entry) layer.set(to, { ...entry, value: convert(entry.value) });
  };
  map("circuit_breaker_enabled", "circuit_breaker.enabled");
  map("circuit_breaker_threshold", "circuit_breaker.failure_threshold");
  map("circuit_breaker_timeout_secs", "circuit_breaker.open_ms", (v) => (v as number) * 1000);
  map("retry_max_attempts", "retry.max_attempts");
  // retry_enabled = false wins over retry_max_attempts in the same table: one attempt means no retries.
  const enabled = read.get("retry_enabled");
  if (enabled?.value === false) layer.set("retry.max_attempts", { ...enabled, value: 1 });
  return layer;
}

/** One table may choose consecutive or rate mode, not both; keeps failure_threshold so resolution can go on. */
export function checkBreakerMode(layer: Layer, ctx: ReadContext): void {
  const rate = layer.get("circuit_breaker.failure_rate");
  if (rate === undefined || !layer.has("circuit_breaker.failure_threshold")) return;
  ctx.sink.error(
    "config/conflict",
    'set either "failure_threshold" (consecutive failures) or "failure_rate" (failure rate), not both',
    rate.keyAt ?? { file: ctx.file },
  );
  layer.delete("circuit_breaker.failure_rate");
}

/**
 * Later layers win key by key, so sub-tables merge. The breaker mode follows the most specific table that chose
 * one: failure_rate hides an inherited failure_threshold and the other way round.
 */
export function mergeLayers(layers: readonly Layer[]): Layer {
  const out: Layer = new Map();
  for (const layer of layers) {
    if (layer.has("circuit_breaker.failure_rate")) out.delete("circuit_breaker.failure_threshold");
    if (layer.has("circuit_breaker.failure_threshold")) out.delete("circuit_breaker.failure_rate");
    for (const [key, value] of layer) out.set(key, value);
  }
  return out;
}

/** Where to report a conflict between merged values: the most specific of their keys, else the service. */
export function conflictAt(service: ServiceRef, entries: readonly (Sourced | undefined)[]): SourceLocation {
  let best: Sourced | undefined;
  for (const entry of entries) {
    if (entry?.keyAt && (best === undefined || RANK[entry.layer] > RANK[best.layer])) best = entry;
  }
  return best?.keyAt ?? service.at;
}

/**
 * Where to report a key the service must add because of `trigger`: the trigger when the service sets it,
 * otherwise the service table, with a note saying where the trigger came from.
 */
export function requiredAt(service: ServiceRef, trigger: Sourced): { at: SourceLocation; note: string } {
  if (trigger.layer === "service" && trigger.keyAt) return { at: trigger.keyAt, note: "" };
  return { at: service.at, note: ` (inherited from ${LAYER_TITLE[trigger.layer]})` };
}

/** Whether the service table or [defaults] had a value for `key` that was rejected (already reported). */
export function wasRejected(ctx: ReadContext, service: ServiceRef, key: string): boolean {
  return ctx.rejected.has(pathId(["external_services", service.key, key])) || ctx.rejected.has(pathId(["defaults", key]));
}

/** A merged value; every policy path has a built-in default, so this only fails on a programming error. */
export function valueOf<T>(merged: Layer, path: string): T {
  const entry = merged.get(path);
  if (entry === undefined) throw new Error(`svcgen bug: no value for ${path}`);
  return entry.value as T;
}

export function resolvePolicy(merged: Layer, service: ServiceRef, ctx: ReadContext): ResolvedPolicy {
  const get = <T>(path: string): T => valueOf<T>(merged, path);
  const loadBalancer = get<ResolvedPolicy["loadBalancer"]>("load_balancer");
  const policy: ResolvedPolicy = {
    timeoutMs: get("timeout_ms"),
    connectTimeoutMs: get("connect_timeout_ms"),
    retry: resolveRetry(merged, service, ctx),
    circuitBreaker: resolveBreaker(merged),
    loadBalancer,
  };
  const attempt = merged.get("attempt_timeout_ms");
  if (attempt) policy.attemptTimeoutMs = attempt.value as number;
  const maxBytes = merged.get("max_response_bytes");
  if (maxBytes) policy.maxResponseBytes = maxBytes.value as number;
  if (loadBalancer === "consistent_hash") {
    const header = merged.get("hash_header");
    if (header) policy.hashHeader = header.value as string;
    else if (!wasRejected(ctx, service, "hash_header")) {
      const { at, note } = requiredAt(service, merged.get("load_balancer")!);
      ctx.sink.error("config/missing-key", `"hash_header" is required when load_balancer = "consistent_hash"${note}`, at);
    }
  }
  if (loadBalancer === "health_aware" && setAboveBuiltins(merged, "health_check.")) policy.healthCheck = resolveHealthCheck(merged);
  return policy;
}

/** Whether services.toml (any layer above the built-in defaults) sets a key under `prefix`. */
export function setAboveBuiltins(merged: Layer, prefix: string): boolean {
  for (const [key, entry] of merged) if (key.startsWith(prefix) && entry.layer !== "builtin") return true;
  return false;
}

/** Fully resolved, so the generated definition shows every probe setting in force (timeout_ms follows interval_ms). */
function resolveHealthCheck(merged: Layer): HealthCheckPolicy {
  const get = <T>(path: string): T => valueOf<T>(merged, `health_check.${path}`);
  const intervalMs = get<number>("interval_ms");
  const timeout = merged.get("health_check.timeout_ms");
  return {
    path: get("path"),
    intervalMs,
    jitter: get("jitter"),
    timeoutMs: timeout ? (timeout.value as number) : Math.min(intervalMs, DEFAULT_HEALTH_CHECK.maxTimeoutMs),
    unhealthyThreshold: get("unhealthy_threshold"),
    healthyThreshold: get("healthy_threshold"),
  };
}

function resolveRetry(merged: Layer, service: ServiceRef, ctx: ReadContext): RetryPolicy {
  const get = <T>(path: string): T => valueOf<T>(merged, `retry.${path}`);
  const initialBackoffMs = get<number>("initial_backoff_ms");
  const maxBackoffMs = get<number>("max_backoff_ms");
  if (maxBackoffMs < initialBackoffMs) {
    const entries = [merged.get("retry.max_backoff_ms"), merged.get("retry.initial_backoff_ms")];
    ctx.sink.error(
      "config/conflict",
      `"max_backoff_ms" (${maxBackoffMs}) must be at least "initial_backoff_ms" (${initialBackoffMs})`,
      conflictAt(service, entries),
    );
  }
  const retryOn = get<(string | number)[]>("retry_on");
  const statuses = [...new Set(retryOn.filter((v): v is number => typeof v === "number"))].sort((a, b) => a - b);
  return {
    maxAttempts: get("max_attempts"),
    initialBackoffMs,
    maxBackoffMs,
    jitter: get("jitter"),
    retryOnConnect: retryOn.includes("connect"),
    retryOnTimeout: retryOn.includes("timeout"),
    retryOnStatus: statuses,
    budgetRatio: get("budget_ratio"),
  };
}

function resolveBreaker(merged: Layer): CircuitBreakerPolicy {
  const get = <T>(path: string): T => valueOf<T>(merged, `circuit_breaker.${path}`);
  if (!get<boolean>("enabled")) return { enabled: false };
  const openMs = get<number>("open_ms");
  const halfOpenRequests = get<number>("half_open_requests");
  const maxEjectionPercent = get<number>("max_ejection_percent");
  if (merged.has("circuit_breaker.failure_rate")) {
    return {
      enabled: true,
      mode: "rate",
      failureRate: get("failure_rate"),
      minRequests: get("min_requests"),
      windowMs: get("window_ms"),
      openMs,
      halfOpenRequests,
      maxEjectionPercent,
    };
  }
  return { enabled: true, mode: "consecutive", failureThreshold: get("failure_threshold"), openMs, halfOpenRequests, maxEjectionPercent };
}

/** `"health_check" is ignored unless ...` once, at the table's key, when the service sets any key inside it. */
export function warnIgnoredTable(service: Layer, table: string, unless: string, at: SourceLocation, ctx: ReadContext): void {
  if (!setAboveBuiltins(service, `${table}.`)) return;
  ctx.sink.warning("config/ignored-key", `${q(table)} is ignored unless ${unless}`, at);
}

/** `"refresh_ms" is ignored unless discovery = "headless"` for keys the service sets that its settings make moot. */
export function warnIgnored(service: Layer, path: string, unless: string, ctx: ReadContext): void {
  const entry = service.get(path);
  if (entry?.keyAt) {
    const name = q(path.slice(path.lastIndexOf(".") + 1));
    ctx.sink.warning("config/ignored-key", `${name} is ignored unless ${unless}`, entry.keyAt);
  }
}
