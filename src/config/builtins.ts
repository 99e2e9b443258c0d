// Built-in defaults, the lowest layer under [resilience], [defaults] and each service table. Written with the
// TOML key names so they merge like any other layer and appear as `default` in the generated JSON Schema.
// Timeouts, attempts, first backoff and breaker come from the acton-service seed (10 s request, 5 s connect,
// 3 attempts from 100 ms, breaker at 5 failures for 30 s). The rest are choices: max_backoff 2 s (a fifth of the
// attempt timeout, so a backoff never dominates a call); rate mode needs 10 calls in 10 s (acton-service's
// circuit_breaker_min_requests is 10); headless DNS is re-read every 10 s, well inside a pod's termination grace;
// gRPC calls retry UNAVAILABLE only, the one status gRPC documents as transient and safe to retry. Connection age,
// cluster domain, health_check and the ejection cap come from the policy vocabulary (runtime/vocabulary.ts), which the
// runtime uses too; health_check.timeout_ms has none here because it follows interval_ms (the smaller of it and 2 s). max_ejection_percent is Envoy's outlier-detection
// idea with a stricter default (Envoy's is 10 %, but at least one host): at most half of a service's endpoints may be
// ejected by their breakers, so a fault mix that hits every pod alike cannot eject them all. max_response_bytes'
// default (32 MiB) is the runtime's (response.ts).
import {
  DEFAULT_CLUSTER_DOMAIN,
  DEFAULT_HEALTH_CHECK,
  DEFAULT_MAX_CONNECTION_AGE_MS,
  DEFAULT_MAX_EJECTION_PERCENT,
} from "../runtime/vocabulary.js";

export const BUILTIN_DEFAULTS = {
  timeout_ms: 10_000,
  connect_timeout_ms: 5_000,
  discovery: "dns",
  dns_servers: [],
  refresh_ms: 10_000,
  max_connection_age_ms: DEFAULT_MAX_CONNECTION_AGE_MS,
  cluster_domain: DEFAULT_CLUSTER_DOMAIN,
  load_balancer: "round_robin",
  health_check: {
    path: DEFAULT_HEALTH_CHECK.path,
    interval_ms: DEFAULT_HEALTH_CHECK.intervalMs,
    jitter: DEFAULT_HEALTH_CHECK.jitter,
    unhealthy_threshold: DEFAULT_HEALTH_CHECK.unhealthyThreshold,
    healthy_threshold: DEFAULT_HEALTH_CHECK.healthyThreshold,
  },
  health_path: "/health",
  ready_path: "/ready",
  retry: {
    max_attempts: 3,
    initial_backoff_ms: 100,
    max_backoff_ms: 2_000,
    jitter: "full",
    retry_on: ["connect", "timeout", 429, 502, 503, 504],
    grpc_retry_on: ["UNAVAILABLE"],
    budget_ratio: 0.2,
  },
  circuit_breaker: {
    enabled: true,
    failure_threshold: 5,
    min_requests: 10,
    window_ms: 10_000,
    open_ms: 30_000,
    half_open_requests: 1,
    max_ejection_percent: DEFAULT_MAX_EJECTION_PERCENT,
  },
  mesh: { kind: "none", retry_owner: "client" },
} as const;

/** The built-in default at a key path (`["retry", "max_attempts"]`), if there is one. */
export function builtinDefault(path: readonly string[]): unknown {
  let node: unknown = BUILTIN_DEFAULTS;
  for (const segment of path) {
    if (typeof node !== "object" || node === null || Array.isArray(node)) return undefined;
    if (!Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}
