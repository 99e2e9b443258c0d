// The mesh-side counterparts of the client's circuit breaker: Istio outlier detection and Linkerd failure accrual.
// Both meshes count consecutive failures per endpoint; a rate-mode breaker becomes the streak that, at its minimum
// volume, would reach its failure rate (failure_rate × min_requests, rounded up).
import type { CircuitBreakerPolicy } from "../model/types.js";
import { CONNECTION_POOL_KEYS, FAILURE_ACCRUAL_KEYS, OUTLIER_KEYS } from "./keys.js";
import type { SettingsReader } from "./read.js";
import type { ConnectionPool, FailureAccrual, OutlierDetection } from "./types.js";

/** Istio's default sweep interval. */
const DEFAULT_INTERVAL_MS = 10_000;

function streak(breaker: CircuitBreakerPolicy & { enabled: true }): number {
  return breaker.mode === "consecutive"
    ? breaker.failureThreshold
    : Math.max(1, Math.ceil(breaker.failureRate * breaker.minRequests));
}

export function resolveOutlierDetection(
  breaker: CircuitBreakerPolicy,
  raw: unknown,
  reader: SettingsReader,
): OutlierDetection | undefined {
  const table = raw === undefined ? undefined : reader.tableOrFalse(raw, ["outlier_detection"]);
  if (table === false) return undefined;
  const base: OutlierDetection | undefined = breaker.enabled
    ? {
        consecutive5xxErrors: streak(breaker),
        intervalMs: breaker.mode === "rate" ? breaker.windowMs : DEFAULT_INTERVAL_MS,
        baseEjectionMs: breaker.openMs,
        // The client's ejection cap (Istio's rule is the same: a percentage, but at least one host).
        maxEjectionPercent: breaker.maxEjectionPercent,
      }
    : undefined;
  if (!table) return base;
  const path = ["outlier_detection"];
  if (!reader.knownKeys(table, OUTLIER_KEYS, path)) return base;
  const int = (key: string, min: number, max?: number): number | undefined =>
    table[key] === undefined ? undefined : reader.integer(table[key], [...path, key], min, max);
  const out: OutlierDetection = {
    consecutive5xxErrors: int("consecutive_5xx_errors", 1) ?? base?.consecutive5xxErrors ?? 5,
    intervalMs: int("interval_ms", 1) ?? base?.intervalMs ?? DEFAULT_INTERVAL_MS,
    baseEjectionMs: int("base_ejection_time_ms", 1) ?? base?.baseEjectionMs ?? 30_000,
  };
  const maxEjection = int("max_ejection_percent", 0, 100);
  const minHealth = int("min_health_percent", 0, 100);
  const ejection = maxEjection ?? base?.maxEjectionPercent;
  if (ejection !== undefined) out.maxEjectionPercent = ejection;
  if (minHealth !== undefined) out.minHealthPercent = minHealth;
  return out;
}

export function resolveFailureAccrual(
  breaker: CircuitBreakerPolicy,
  raw: unknown,
  reader: SettingsReader,
): FailureAccrual | undefined {
  const table = raw === undefined ? undefined : reader.tableOrFalse(raw, ["failure_accrual"]);
  if (table === false) return undefined;
  // The client keeps a circuit open for open_ms; the same penalty at both ends keeps Linkerd from growing it.
  const base: FailureAccrual | undefined = breaker.enabled
    ? { maxFailures: streak(breaker), minPenaltyMs: breaker.openMs, maxPenaltyMs: breaker.openMs }
    : undefined;
  if (!table) return base;
  const path = ["failure_accrual"];
  if (!reader.knownKeys(table, FAILURE_ACCRUAL_KEYS, path)) return base;
  const int = (key: string): number | undefined =>
    table[key] === undefined ? undefined : reader.integer(table[key], [...path, key], 1);
  const minPenaltyMs = int("min_penalty_ms") ?? base?.minPenaltyMs ?? 1_000;
  const out: FailureAccrual = {
    maxFailures: int("max_failures") ?? base?.maxFailures ?? 7,
    minPenaltyMs,
    maxPenaltyMs: int("max_penalty_ms") ?? Math.max(base?.maxPenaltyMs ?? 60_000, minPenaltyMs),
  };
  if (out.maxPenaltyMs < out.minPenaltyMs) {
    reader.error(
      "mesh/invalid",
      `mesh.failure_accrual.max_penalty_ms (${out.maxPenaltyMs}) must not be below min_penalty_ms (${out.minPenaltyMs})`,
      [...path, "max_penalty_ms"],
    );
  }
  if (table.jitter_ratio !== undefined) {
    const jitter = reader.number(table.jitter_ratio, [...path, "jitter_ratio"], 0, 100);
    if (jitter !== undefined) out.jitterRatio = jitter;
  }
  return out;
}

export function resolveConnectionPool(
  connectTimeoutMs: number,
  raw: unknown,
  reader: SettingsReader,
): ConnectionPool | undefined {
  if (raw === undefined) return undefined;
  const path = ["connection_pool"];
  const table = reader.table(raw, path);
  if (!table || !reader.knownKeys(table, CONNECTION_POOL_KEYS, path)) return undefined;
  const int = (key: string, min = 1): number | undefined =>
    table[key] === undefined ? undefined : reader.integer(table[key], [...path, key], min);
  const pool: ConnectionPool = { connectTimeoutMs: int("connect_timeout_ms") ?? connectTimeoutMs };
  const set = (field: Exclude<keyof ConnectionPool, "connectTimeoutMs">, key: string, min?: number): void => {
    const value = int(key, min);
    if (value !== undefined) pool[field] = value;
  };
  set("maxConnections", "max_connections");
  set("idleTimeoutMs", "idle_timeout_ms");
  set("http1MaxPendingRequests", "http1_max_pending_requests");
  set("http2MaxRequests", "http2_max_requests");
  set("maxRequestsPerConnection", "max_requests_per_connection");
  set("maxRetries", "max_retries", 0);
  return pool;
}
