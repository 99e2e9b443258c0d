// The keys of `[external_services.<key>.mesh]` besides `kind` and `retry_owner` (which src/config reads). One table,
// so unknown-key suggestions, the kind checks and the documentation cannot drift apart.
import type { MeshKind } from "./types.js";

export interface MeshKeySpec {
  /** Mesh kinds the key applies to; under any other kind it is reported. */
  kinds: readonly MeshKind[];
  type: string;
  description: string;
}

const BOTH: readonly MeshKind[] = ["istio", "linkerd"];
const ALL: readonly MeshKind[] = ["none", "istio", "linkerd"];

export const MESH_KEYS: Readonly<Record<string, MeshKeySpec>> = {
  timeout_ms: {
    kinds: BOTH,
    type: "integer ≥ 1",
    description: "Route timeout for the whole call, every try included (default: the service's timeout_ms).",
  },
  retries: {
    kinds: BOTH,
    type: "table { attempts, per_try_timeout_ms, retry_on }",
    description:
      'Mesh retries. With retry_owner = "mesh" they default to the client policy (attempts = max_attempts - 1, ' +
      'retry_on = retry.retry_on, per-try timeout = what lets every try fit the route timeout); with "client" the ' +
      "mesh does not retry unless this table says so (reported by the lint).",
  },
  subsets: {
    kinds: ["istio"],
    type: "table { <subset> = { <label> = <value>, … } }",
    description: "DestinationRule subsets: pod labels per subset name.",
  },
  routes: {
    kinds: ["istio"],
    type: "array of tables { headers, subset | weights }",
    description:
      "VirtualService routes in order: requests whose headers all match go to `subset`, or are split by `weights` " +
      "(percent per subset, adding up to 100). A route without headers must come last and catches the rest.",
  },
  outlier_detection: {
    kinds: ["istio"],
    type: "false | table { consecutive_5xx_errors, interval_ms, base_ejection_time_ms, max_ejection_percent, min_health_percent }",
    description: "DestinationRule outlierDetection; derived from circuit_breaker unless set (false: none).",
  },
  connection_pool: {
    kinds: ["istio"],
    type:
      "table { max_connections, connect_timeout_ms, idle_timeout_ms, http1_max_pending_requests, " +
      "http2_max_requests, max_requests_per_connection, max_retries }",
    description: "DestinationRule connectionPool (connect_timeout_ms defaults to the service's connect_timeout_ms).",
  },
  sidecar: {
    kinds: ["istio"],
    type: "boolean",
    description: "Write an Istio Sidecar that limits the caller's ([service] name) egress to its external_services.",
  },
  failure_accrual: {
    kinds: ["linkerd"],
    type: "false | table { max_failures, min_penalty_ms, max_penalty_ms, jitter_ratio }",
    description: "balancer.linkerd.io/failure-accrual annotations; derived from circuit_breaker unless set (false: none).",
  },
  serviceprofile: {
    kinds: ["linkerd"],
    type: "boolean",
    description: "Also write the legacy ServiceProfile (one route per OpenAPI operation).",
  },
  retry_budget: {
    kinds: ["linkerd"],
    type: "table { min_retries_per_second, ttl_ms }",
    description: "ServiceProfile retryBudget; the ratio is the service's retry.budget_ratio.",
  },
  http_port_name: {
    kinds: ALL,
    type: "string",
    description: 'Name of the Service port from the URL (default "http", or "https" for https URLs).',
  },
  grpc_port_name: { kinds: ALL, type: "string", description: 'Name of the grpc_port Service port (default "grpc").' },
  grpc_app_protocol: {
    kinds: ALL,
    type: '"grpc" | "kubernetes.io/h2c"',
    description: 'appProtocol of the grpc_port Service port (default "grpc").',
  },
};

export const RETRIES_KEYS = ["attempts", "per_try_timeout_ms", "retry_on"] as const;
export const ROUTE_KEYS = ["budget_ratio", "headers", "subset", "weights"] as const;
export const HEADER_MATCH_KEYS = ["exact", "prefix", "regex"] as const;
export const OUTLIER_KEYS = [
  "base_ejection_time_ms",
  "consecutive_5xx_errors",
  "interval_ms",
  "max_ejection_percent",
  "min_health_percent",
] as const;
export const CONNECTION_POOL_KEYS = [
  "connect_timeout_ms",
  "http1_max_pending_requests",
  "http2_max_requests",
  "idle_timeout_ms",
  "max_connections",
  "max_requests_per_connection",
  "max_retries",
] as const;
export const FAILURE_ACCRUAL_KEYS = ["jitter_ratio", "max_failures", "max_penalty_ms", "min_penalty_ms"] as const;
export const RETRY_BUDGET_KEYS = ["min_retries_per_second", "ttl_ms"] as const;
