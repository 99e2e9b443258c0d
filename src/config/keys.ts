// The one table of services.toml keys. The parser validates against it and schemas/services.schema.json is
// generated from it (src/config/schema.ts; test/config/schema.test.ts fails when the committed file differs).
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  DISCOVERY_KINDS,
  GRPC_STATUS_NAMES as ALL_GRPC_STATUS_NAMES,
  HEALTH_CHECK_PATHS,
  JITTER_KINDS,
  LOAD_BALANCER_KINDS,
} from "../runtime/vocabulary.js";
import { OUTPUT_TARGETS } from "../emit/targets.js";
import { AUTH_SCHEME_TABLE, TLS_TABLE } from "./auth-keys.js";
import { type KeyTable, type TableSpec, ms } from "./key-spec.js";
import { MESH_TABLE } from "./mesh-keys.js";

export type { KeySpec, KeyTable, StringFormat, TableRule, TableSpec, ValueSpec } from "./key-spec.js";
export { AUTH_SCHEME_TABLE, TLS_TABLE } from "./auth-keys.js";
export { MESH_TABLE } from "./mesh-keys.js";


/** gRPC status code names in code order (the vocabulary's table), OK excluded: it is never retried. */
export const GRPC_STATUS_NAMES: readonly string[] = ALL_GRPC_STATUS_NAMES.slice(1);

export const RETRY_TABLE: TableSpec = {
  kind: "table",
  rest: "error",
  keys: {
    max_attempts: {
      value: { kind: "integer", min: 1, max: 100 },
      description: "Attempts per call, counting the first try; 1 disables retries.",
    },
    initial_backoff_ms: {
      value: ms(0),
      description: "Backoff before the first retry, doubled for each further retry (milliseconds).",
    },
    max_backoff_ms: { value: ms(0), description: "Upper bound of a single backoff (milliseconds)." },
    jitter: {
      value: { kind: "string", enum: JITTER_KINDS },
      description: '"full": wait a random time between 0 and the backoff; "none": wait exactly the backoff.',
    },
    retry_on: {
      value: { kind: "retry-on" },
      description:
        'What is retried: "connect" (connection failures), "timeout" (attempt timeouts) and HTTP status codes. ' +
        "Only idempotent operations are retried after the request was sent.",
    },
    grpc_retry_on: {
      value: { kind: "strings", enum: GRPC_STATUS_NAMES },
      description:
        'gRPC status codes that are retried, by name ("UNAVAILABLE", "RESOURCE_EXHAUSTED", ...). A method without ' +
        "idempotency_level = IDEMPOTENT or NO_SIDE_EFFECTS is only retried when the server cannot have processed it.",
    },
    budget_ratio: {
      value: { kind: "number", min: 0, max: 1 },
      description: "Retries may add at most this fraction of recent requests (plus a small floor per second).",
    },
  },
};

export const CIRCUIT_BREAKER_TABLE: TableSpec = {
  kind: "table",
  rest: "error",
  keys: {
    enabled: { value: { kind: "boolean" }, description: "Whether calls go through a circuit breaker." },
    failure_threshold: {
      value: { kind: "integer", min: 1, max: 1_000_000 },
      description: "Consecutive failures that open the circuit (consecutive mode).",
    },
    failure_rate: {
      value: { kind: "number", min: 0, max: 1, minExclusive: true },
      description: "Failure fraction within window_ms that opens the circuit; setting it selects rate mode.",
    },
    min_requests: {
      value: { kind: "integer", min: 1, max: 1_000_000 },
      description: "Rate mode: calls needed within the window before failure_rate is evaluated.",
    },
    window_ms: { value: ms(1), description: "Rate mode: length of the sliding window (milliseconds)." },
    open_ms: { value: ms(1), description: "How long the circuit stays open before probing (milliseconds)." },
    half_open_requests: {
      value: { kind: "integer", min: 1, max: 1_000 },
      description: "Trial calls let through while half-open.",
    },
    max_ejection_percent: {
      value: { kind: "integer", min: 0, max: 100 },
      description:
        "At most this share of a service's endpoints may have an open breaker at once (one endpoint always may), as " +
        "Envoy's outlier detection; an endpoint that would exceed it stays in rotation.",
    },
  },
};

/** Active probes of the health_aware balancer (runtime HealthCheckOptions). */
export const HEALTH_CHECK_TABLE: TableSpec = {
  kind: "table",
  rest: "error",
  keys: {
    path: {
      value: { kind: "string", enum: HEALTH_CHECK_PATHS },
      description: 'Probe the readiness path ("ready", ready_path) or the liveness path ("health", health_path).',
    },
    interval_ms: { value: ms(1), description: "Mean time between two probes of one endpoint (milliseconds)." },
    jitter: {
      value: { kind: "number", min: 0, max: 1 },
      description: "Each wait is drawn from interval_ms × (1 ± jitter), so clients and endpoints are not probed in lockstep.",
    },
    timeout_ms: {
      value: ms(1),
      description: "A probe without an answer by then has failed (milliseconds). Default: the smaller of interval_ms and 2000.",
    },
    unhealthy_threshold: {
      value: { kind: "integer", min: 1, max: 1_000 },
      description: "Consecutive failed probes that take an endpoint out of rotation.",
    },
    healthy_threshold: {
      value: { kind: "integer", min: 1, max: 1_000 },
      description: "Consecutive passed probes that bring an ejected endpoint back.",
    },
  },
};

/** Keys allowed both per service and in [defaults]. */
export const POLICY_KEYS: KeyTable = {
  timeout_ms: {
    value: ms(1),
    description:
      "Overall deadline of one call (milliseconds): every attempt and every pause between attempts must fit in it.",
  },
  attempt_timeout_ms: {
    value: ms(1),
    description:
      "Timeout of one attempt, from sending to the full response (milliseconds); a timed-out attempt is retried " +
      'when retry_on names "timeout" and the deadline allows. Default: each attempt may use what is left of timeout_ms.',
  },
  connect_timeout_ms: { value: ms(1), description: "Timeout for establishing a connection (milliseconds)." },
  namespace: {
    value: { kind: "string", format: "dns-label" },
    description: "Kubernetes namespace of the callee, used in generated manifests.",
  },
  discovery: {
    value: { kind: "string", enum: DISCOVERY_KINDS },
    description:
      '"dns": the URL host through the normal resolver; "headless": every pod address of a headless Service; ' +
      '"static": the listed endpoints.',
  },
  dns_servers: {
    value: { kind: "strings", format: "host-port" },
    description: 'Headless discovery: DNS servers as "host:port"; empty means the system resolver.',
  },
  refresh_ms: { value: ms(1), description: "Headless discovery: how often pod addresses are re-resolved (milliseconds)." },
  max_connection_age_ms: {
    value: ms(0),
    description:
      "Connections older than this are not reused (milliseconds), so pods added behind a ClusterIP Service get " +
      "traffic; 0 keeps a connection for as long as it stays open.",
  },
  cluster_domain: {
    value: { kind: "string", format: "dns-name" },
    description:
      "DNS domain of the cluster: bare hosts become <host>.<namespace>.svc.<cluster_domain>, headless names likewise.",
  },
  load_balancer: {
    value: { kind: "string", enum: LOAD_BALANCER_KINDS },
    description: "How calls are spread over the discovered endpoints.",
  },
  hash_header: {
    value: { kind: "string", format: "header" },
    description: "Request header whose value picks the endpoint; required with consistent_hash.",
  },
  health_check: {
    value: HEALTH_CHECK_TABLE,
    description: 'Active probes of the "health_aware" load balancer; ignored with the other balancers.',
  },
  ref_roots: {
    value: { kind: "strings", format: "relative-path" },
    description:
      "Folders, relative to this file, that a spec's $refs and a .proto's imports may read besides the spec's own " +
      "folder; anything else (absolute paths, .. escapes, symlinks leaving them) is refused. A service's roots add " +
      "to those in [defaults].",
  },
  max_response_bytes: {
    value: { kind: "integer", min: 1, max: Number.MAX_SAFE_INTEGER, unit: "bytes" },
    description:
      "Largest response body a call reads (bytes); a longer one aborts the request with ResponseTooLargeError " +
      `(not retried). Default ${DEFAULT_MAX_RESPONSE_BYTES} (32 MiB). Error bodies are read up to 64 KiB and marked truncated.`,
  },
  proto_paths: {
    value: { kind: "strings", format: "relative-path" },
    description:
      "Import directories for the .proto files, relative to this file, searched in order before this file's own " +
      "directory; a service's directories come before those in [defaults].",
  },
  health_path: { value: { kind: "string", format: "http-path" }, description: "Liveness path of the callee." },
  ready_path: { value: { kind: "string", format: "http-path" }, description: "Readiness path of the callee." },
  retry: { value: RETRY_TABLE, description: "Retry policy; each key not set here falls back to the level below." },
  circuit_breaker: {
    value: CIRCUIT_BREAKER_TABLE,
    description: "Circuit breaker; failure_threshold selects consecutive mode, failure_rate selects rate mode.",
  },
  mesh: {
    value: MESH_TABLE,
    description: "Service mesh integration: the mesh, who retries, and what the manifest emitters write.",
  },
};

export const OPERATION_TABLE: TableSpec = {
  kind: "table",
  rest: "error",
  keys: {
    idempotent: {
      value: { kind: "boolean" },
      description: "Whether the operation may be retried after the request was sent (overrides the HTTP method).",
    },
    timeout_ms: { value: ms(1), description: "Overall deadline of one call of this operation (milliseconds); wins over the service's." },
    max_response_bytes: {
      value: { kind: "integer", min: 1, max: Number.MAX_SAFE_INTEGER, unit: "bytes" },
      description: "Largest response body a call of this operation reads (bytes); wins over the service's.",
    },
  },
};

/** Keys only a service's own table may set. */
export const SERVICE_ONLY_KEYS: KeyTable = {
  url: {
    value: { kind: "string", format: "url" },
    description: "Base URL of the callee: http(s)://host[:port][/base/path].",
    required: true,
  },
  openapi: {
    value: { kind: "string", format: "relative-path" },
    description: "OpenAPI document, relative to this file.",
  },
  proto: {
    value: { kind: "strings", format: "relative-path", minItems: 1, single: true },
    description: ".proto file or files, relative to this file.",
  },
  grpc_port: { value: { kind: "integer", min: 1, max: 65_535 }, description: "Port of the callee's gRPC listener." },
  headless_name: {
    value: { kind: "string", format: "dns-label" },
    description: "Headless discovery: name of the headless Service (default: first label of the host + \"-headless\").",
  },
  endpoints: {
    value: { kind: "strings", format: "origin", minItems: 1 },
    description: 'Static discovery: endpoint origins such as "http://10.0.0.5:8080"; required with discovery = "static".',
  },
  operations: {
    value: { kind: "map", entry: OPERATION_TABLE },
    description: 'Per-operation overrides, keyed by OpenAPI operationId or gRPC method ("<package>.<Service>/<Method>").',
  },
  auth: {
    value: { kind: "map", entry: AUTH_SCHEME_TABLE },
    description:
      "Credentials by security scheme name (the spec's securitySchemes; bearer or basic without a spec and for gRPC): " +
      "env or file, or for basic username with password_env or password_file.",
  },
  tls: { value: TLS_TABLE, description: "mTLS without a mesh: CA, client certificate and key files, and the server name." },
};

export const SERVICE_TABLE: TableSpec = { kind: "table", rest: "error", keys: { ...SERVICE_ONLY_KEYS, ...POLICY_KEYS } };

export const DEFAULTS_TABLE: TableSpec = {
  kind: "table",
  rest: "error",
  keys: POLICY_KEYS,
  perServiceOnly: Object.keys(SERVICE_ONLY_KEYS),
};

/** acton-service's ResilienceConfig names; they act as defaults below [defaults]. */
export const RESILIENCE_TABLE: TableSpec = {
  kind: "table",
  rest: "error",
  keys: {
    circuit_breaker_enabled: { value: { kind: "boolean" }, description: "Sets circuit_breaker.enabled." },
    circuit_breaker_threshold: {
      value: { kind: "integer", min: 1, max: 1_000_000 },
      description: "Sets circuit_breaker.failure_threshold (consecutive failures).",
    },
    circuit_breaker_timeout_secs: {
      value: { kind: "integer", min: 1, max: 2_147_483, unit: "seconds" },
      description: "Sets circuit_breaker.open_ms (seconds × 1000).",
    },
    retry_enabled: { value: { kind: "boolean" }, description: "false sets retry.max_attempts to 1." },
    retry_max_attempts: {
      value: { kind: "integer", min: 1, max: 100 },
      description: "Sets retry.max_attempts (counting the first try).",
    },
  },
};

export const CALLER_TABLE: TableSpec = {
  kind: "table",
  rest: "open",
  keys: {
    name: {
      value: { kind: "string", format: "non-empty" },
      description: "Name of this (calling) service, used by mesh egress rules.",
    },
    namespace: {
      value: { kind: "string", format: "dns-label" },
      description:
        "Kubernetes namespace of this (calling) service: the NetworkPolicy's namespace, and the one it assumes for " +
        "callees that set none (a bare host resolves in the caller's own namespace).",
    },
    labels: {
      value: { kind: "values", value: { kind: "string", format: "label-value" }, keyFormat: "label-key", minItems: 1 },
      description:
        'Pod labels of this (calling) service, { app = "order-api" }: the NetworkPolicy\'s podSelector and the Istio ' +
        "Sidecar's workloadSelector. Default: { app = <name> }, the label svcgen's Services select on.",
    },
    network_policy: {
      value: { kind: "boolean" },
      description:
        "Write k8s/network-policy.yaml: an egress NetworkPolicy letting the caller's pods reach only the pods of its " +
        "in-cluster external_services (on their Services' target ports) and DNS. Needs name.",
    },
  },
};

/** How svcgen writes the clients; `svcgen gen --target` wins over it. */
export const OUTPUT_TABLE: TableSpec = {
  kind: "table",
  rest: "error",
  keys: {
    target: {
      value: { kind: "string", enum: OUTPUT_TARGETS },
      description:
        '"ts" (the default): the clients and the runtime as TypeScript sources, compiled by your build; "js+dts": ' +
        "as JavaScript plus declarations, with a package.json, for builds that should not type-check them again.",
    },
  },
};

/** A service is either a bare URL string (acton-service form) or a table. */
export const SERVICE_ENTRY_DESCRIPTION =
  'A callee: either its URL ("http://users-api:8080") or a table with url and policy keys.';

export const ROOT_TABLE: TableSpec = {
  kind: "table",
  rest: "open",
  keys: {
    service: { value: CALLER_TABLE, description: "The calling service (acton-service [service])." },
    output: { value: OUTPUT_TABLE, description: "What svcgen gen writes: the form of the clients (svcgen's own table)." },
    external_services: {
      // Entries are read by service.ts (string or SERVICE_TABLE); the map entry here is the table form.
      value: { kind: "map", entry: SERVICE_TABLE },
      description: "The services this service calls, by name.",
    },
    defaults: { value: DEFAULTS_TABLE, description: "Policy keys applied to every service unless it sets them." },
    resilience: {
      value: RESILIENCE_TABLE,
      description: "acton-service ResilienceConfig names, applied below [defaults].",
    },
  },
};
