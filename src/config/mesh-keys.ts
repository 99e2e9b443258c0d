// The keys of `[external_services.<key>.mesh]` (and `[defaults.mesh]`), part of the one key table (keys.ts): typos get
// positions and suggestions, and the JSON Schema is generated from them. Which mesh kind reads which key, and the
// checks that need more than one key, are src/mesh's business.
import { MESH_KINDS, RETRY_OWNERS } from "../runtime/vocabulary.js";
import { type TableSpec, type ValueSpec, count, ms } from "./key-spec.js";

/** appProtocol values a gRPC Service port may carry. */
export const GRPC_APP_PROTOCOLS = ["grpc", "kubernetes.io/h2c"] as const;

const percent: ValueSpec = { kind: "integer", min: 0, max: 100 };
const text: ValueSpec = { kind: "string" };

/** `[…mesh.retries]`: the mesh's own retries (Istio `retries`, Linkerd `retry.linkerd.io/*`). */
export const MESH_RETRIES_TABLE: TableSpec = {
  kind: "table",
  rest: "error",
  keys: {
    attempts: { value: { kind: "integer", min: 0, max: 100 }, description: "Retries after the first try; 0: the mesh does not retry." },
    per_try_timeout_ms: {
      value: ms(1),
      description: "Timeout of each try (milliseconds); default: what lets every try and pause fit the route timeout.",
    },
    retry_on: {
      value: { kind: "retry-on" },
      description: 'What the mesh retries: "connect", "timeout" and HTTP status codes (gRPC statuses follow retry.grpc_retry_on).',
    },
  },
};

/** One header of a route: a bare string is an exact match. */
export const HEADER_MATCH_TABLE: TableSpec = {
  kind: "table",
  rest: "error",
  orString: "exact",
  keys: {
    exact: { value: text, description: "The header equals this text." },
    prefix: { value: text, description: "The header starts with this text." },
    regex: { value: text, description: "The header matches this RE2 regular expression." },
  },
};

/** One `[[…mesh.routes]]` entry (Istio). */
export const MESH_ROUTE_TABLE: TableSpec = {
  kind: "table",
  rest: "error",
  keys: {
    headers: {
      value: { kind: "values", value: HEADER_MATCH_TABLE },
      description: "Lower-case header name → exact text, or { exact | prefix | regex = text }; every header must match.",
    },
    subset: { value: text, description: "Subset (from mesh.subsets) the matching requests go to." },
    weights: {
      value: { kind: "values", value: percent },
      description: "Percent of the matching requests per subset, adding up to 100.",
    },
    budget_ratio: {
      value: { kind: "number", min: 0, max: 1 },
      description: "Not applied: retry budgets are per service (retry.budget_ratio); the lint reports it (SVC107).",
    },
  },
};

export const OUTLIER_DETECTION_TABLE: TableSpec = {
  kind: "table",
  rest: "error",
  orFalse: true,
  keys: {
    consecutive_5xx_errors: { value: count(1), description: "Consecutive 5xx answers that eject an endpoint." },
    interval_ms: { value: ms(1), description: "Time between ejection sweeps (milliseconds)." },
    base_ejection_time_ms: { value: ms(1), description: "Minimum ejection time (milliseconds)." },
    max_ejection_percent: { value: percent, description: "At most this share of the endpoints is ejected at once." },
    min_health_percent: { value: percent, description: "Outlier detection stops below this share of healthy endpoints." },
  },
};

export const CONNECTION_POOL_TABLE: TableSpec = {
  kind: "table",
  rest: "error",
  keys: {
    max_connections: { value: count(1), description: "tcp.maxConnections." },
    connect_timeout_ms: { value: ms(1), description: "tcp.connectTimeout (milliseconds); default: the service's connect_timeout_ms." },
    idle_timeout_ms: { value: ms(1), description: "http.idleTimeout (milliseconds)." },
    http1_max_pending_requests: { value: count(1), description: "http.http1MaxPendingRequests." },
    http2_max_requests: { value: count(1), description: "http.http2MaxRequests." },
    max_requests_per_connection: { value: count(1), description: "http.maxRequestsPerConnection." },
    max_retries: { value: count(0), description: "http.maxRetries." },
  },
};

export const FAILURE_ACCRUAL_TABLE: TableSpec = {
  kind: "table",
  rest: "error",
  orFalse: true,
  keys: {
    max_failures: { value: count(1), description: "Consecutive failures that make an endpoint unavailable." },
    min_penalty_ms: { value: ms(1), description: "Shortest time an endpoint stays out (milliseconds)." },
    max_penalty_ms: { value: ms(1), description: "Longest time an endpoint stays out (milliseconds)." },
    jitter_ratio: { value: { kind: "number", min: 0, max: 100 }, description: "Jitter of the penalty." },
  },
};

export const RETRY_BUDGET_TABLE: TableSpec = {
  kind: "table",
  rest: "error",
  keys: {
    min_retries_per_second: { value: count(0), description: "Retries allowed per second whatever the ratio." },
    ttl_ms: { value: ms(1), description: "Window the ratio is taken over (milliseconds)." },
  },
};

/**
 * `[external_services.<key>.mesh]`. Which mesh kinds each key applies to, and the checks that need more than one
 * key (weights add up to 100, the catch-all route last, a Kubernetes host), are src/mesh's business.
 */
export const MESH_TABLE: TableSpec = {
  kind: "table",
  rest: "error",
  keys: {
    kind: { value: { kind: "string", enum: MESH_KINDS }, description: "Service mesh the callee runs in." },
    retry_owner: {
      value: { kind: "string", enum: RETRY_OWNERS },
      description: 'Who retries: the generated "client" or the "mesh" sidecar (never both).',
    },
    timeout_ms: {
      value: ms(1),
      description: "Route timeout for the whole call, every try included (milliseconds; default: the service's timeout_ms).",
    },
    retries: {
      value: MESH_RETRIES_TABLE,
      description:
        'Mesh retries. With retry_owner = "mesh" they default to the client policy (attempts = max_attempts - 1, ' +
        'retry_on = retry.retry_on, per-try timeout = what lets every try fit the route timeout); with "client" the ' +
        "mesh does not retry unless this table says so (reported by the lint).",
    },
    subsets: {
      value: { kind: "values", value: { kind: "values", value: text } },
      description: "Istio DestinationRule subsets: subset name → pod labels ({ <label> = <value>, … }).",
    },
    routes: {
      value: { kind: "tables", entry: MESH_ROUTE_TABLE },
      description:
        "Istio VirtualService routes in order: requests whose headers all match go to `subset`, or are split by " +
        "`weights` (percent per subset, adding up to 100). A route without headers must come last and catches the rest.",
    },
    outlier_detection: {
      value: OUTLIER_DETECTION_TABLE,
      description: "Istio DestinationRule outlierDetection; derived from circuit_breaker unless set (false: none).",
    },
    connection_pool: {
      value: CONNECTION_POOL_TABLE,
      description: "Istio DestinationRule connectionPool (connect_timeout_ms defaults to the service's connect_timeout_ms).",
    },
    sidecar: {
      value: { kind: "boolean" },
      description: "Istio: write a Sidecar that limits the caller's ([service] name) egress to its external_services.",
    },
    failure_accrual: {
      value: FAILURE_ACCRUAL_TABLE,
      description: "Linkerd balancer.linkerd.io/failure-accrual annotations; derived from circuit_breaker unless set (false: none).",
    },
    serviceprofile: {
      value: { kind: "boolean" },
      description: "Linkerd: also write the legacy ServiceProfile (one route per OpenAPI operation).",
    },
    retry_budget: {
      value: RETRY_BUDGET_TABLE,
      description: "Linkerd ServiceProfile retryBudget; the ratio is the service's retry.budget_ratio.",
    },
    http_port_name: {
      value: text,
      description: 'Name of the Service port from the URL (default "http", or "https" for https URLs).',
    },
    grpc_port_name: { value: text, description: 'Name of the grpc_port Service port (default "grpc").' },
    grpc_app_protocol: {
      value: { kind: "string", enum: GRPC_APP_PROTOCOLS },
      description: 'appProtocol of the grpc_port Service port (default "grpc").',
    },
  },
};

