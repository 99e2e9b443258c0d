// The mesh-side counterparts of the client's circuit breaker: Istio outlier detection and Linkerd failure accrual.
// Both meshes count consecutive failures per endpoint; a rate-mode breaker becomes the streak that, at its minimum
// volume, would reach its failure rate (failure_rate × min_requests, rounded up).
import type { MeshSettings } from "../config/types.js";
import type { CircuitBreakerPolicy, ConnectionPool, FailureAccrual, OutlierDetection } from "../model/types.js";
import type { MeshReport } from "./report.js";

/** Istio's default sweep interval. */
const DEFAULT_INTERVAL_MS = 10_000;

function streak(breaker: CircuitBreakerPolicy & { enabled: true }): number {
  return breaker.mode === "consecutive"
    ? breaker.failureThreshold
    : Math.max(1, Math.ceil(breaker.failureRate * breaker.minRequests));
}

export function resolveOutlierDetection(
  breaker: CircuitBreakerPolicy,
  table: MeshSettings["outlier_detection"],
): OutlierDetection | undefined {
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
  const out: OutlierDetection = {
    consecutive5xxErrors: table.consecutive_5xx_errors ?? base?.consecutive5xxErrors ?? 5,
    intervalMs: table.interval_ms ?? base?.intervalMs ?? DEFAULT_INTERVAL_MS,
    baseEjectionMs: table.base_ejection_time_ms ?? base?.baseEjectionMs ?? 30_000,
  };
  const ejection = table.max_ejection_percent ?? base?.maxEjectionPercent;
  if (ejection !== undefined) out.maxEjectionPercent = ejection;
  if (table.min_health_percent !== undefined) out.minHealthPercent = table.min_health_percent;
  return out;
}

export function resolveFailureAccrual(
  breaker: CircuitBreakerPolicy,
  table: MeshSettings["failure_accrual"],
  report: MeshReport,
): FailureAccrual | undefined {
  if (table === false) return undefined;
  // The client keeps a circuit open for open_ms; the same penalty at both ends keeps Linkerd from growing it.
  const base: FailureAccrual | undefined = breaker.enabled
    ? { maxFailures: streak(breaker), minPenaltyMs: breaker.openMs, maxPenaltyMs: breaker.openMs }
    : undefined;
  if (!table) return base;
  const minPenaltyMs = table.min_penalty_ms ?? base?.minPenaltyMs ?? 1_000;
  const out: FailureAccrual = {
    maxFailures: table.max_failures ?? base?.maxFailures ?? 7,
    minPenaltyMs,
    maxPenaltyMs: table.max_penalty_ms ?? Math.max(base?.maxPenaltyMs ?? 60_000, minPenaltyMs),
  };
  if (out.maxPenaltyMs < out.minPenaltyMs) {
    report.error(
      "mesh/invalid",
      `mesh.failure_accrual.max_penalty_ms (${out.maxPenaltyMs}) must not be below min_penalty_ms (${out.minPenaltyMs})`,
      ["failure_accrual", "max_penalty_ms"],
    );
  }
  if (table.jitter_ratio !== undefined) out.jitterRatio = table.jitter_ratio;
  return out;
}

export function resolveConnectionPool(connectTimeoutMs: number, table: MeshSettings["connection_pool"]): ConnectionPool | undefined {
  if (table === undefined) return undefined;
  const pool: ConnectionPool = { connectTimeoutMs: table.connect_timeout_ms ?? connectTimeoutMs };
  if (table.max_connections !== undefined) pool.maxConnections = table.max_connections;
  if (table.idle_timeout_ms !== undefined) pool.idleTimeoutMs = table.idle_timeout_ms;
  if (table.http1_max_pending_requests !== undefined) pool.http1MaxPendingRequests = table.http1_max_pending_requests;
  if (table.http2_max_requests !== undefined) pool.http2MaxRequests = table.http2_max_requests;
  if (table.max_requests_per_connection !== undefined) pool.maxRequestsPerConnection = table.max_requests_per_connection;
  if (table.max_retries !== undefined) pool.maxRetries = table.max_retries;
  return pool;
}
