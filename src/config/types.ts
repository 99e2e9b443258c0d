// What src/config hands to the model builder: the validated services.toml, policies already resolved
// (built-in defaults → [resilience] → [defaults] → the service's own table), every fact with its TOML position.
import type { SourceLocation } from "../diagnostics.js";
import type { DiscoveryModel, ResolvedPolicy } from "../model/types.js";
import type { OutputTarget } from "../emit/targets.js";
import type { MeshKind, RetryOwner } from "../runtime/vocabulary.js";

export interface OperationOverride {
  /** The TOML key as written: an OpenAPI operationId or a gRPC method's `<package>.<Service>/<Method>`. */
  operationId: string;
  idempotent?: boolean;
  timeoutMs?: number;
  maxResponseBytes?: number;
  location: SourceLocation;
}

export interface ServiceConfig {
  key: string;
  location: SourceLocation;
  url: string;
  scheme: "http" | "https";
  host: string;
  port: number;
  basePath: string;
  namespace?: string;
  grpcPort?: number;
  /** Spec paths relative to the config file's directory, as written (with `/`). */
  openapi?: { path: string; location: SourceLocation };
  /** `protoPaths`: the service's proto_paths, then those of [defaults] (relative to the config file's directory). */
  proto?: { paths: string[]; protoPaths: string[]; location: SourceLocation };
  /**
   * Folders (relative to the config file's directory) a spec's `$ref`s and a .proto's imports may read besides the
   * spec's own folder: the service's `ref_roots`, then those of [defaults].
   */
  refRoots: string[];
  /** gRPC status names retried (retry.grpc_retry_on, resolved like every retry key); set when `proto` is. */
  grpcRetryOn?: string[];
  discovery: DiscoveryModel;
  policy: ResolvedPolicy;
  mesh: MeshSettings;
  healthPath: string;
  readyPath: string;
  /** `[external_services.<key>.operations.<operationId or gRPC method>]`, sorted by key. */
  operations: OperationOverride[];
  /**
   * `[external_services.<key>.auth.<scheme>]` by scheme name as written (not yet checked against the spec's
   * schemes), sorted by name; absent when the service has none.
   */
  auth?: Record<string, AuthSourceConfig>;
  /** `[external_services.<key>.tls]`; absent when not written. */
  tls?: TlsConfig;
}

/**
 * Where one scheme's credential comes from: exactly one of `env`, `file`, or `username` with exactly one of
 * `passwordEnv` / `passwordFile`. Names and paths as written (paths are read at run time, in the pod).
 */
export interface AuthSourceConfig {
  env?: string;
  file?: string;
  username?: string;
  passwordEnv?: string;
  passwordFile?: string;
  /** The scheme's key (`bearerAuth` in `auth.bearerAuth`). */
  location: SourceLocation;
}

/** mTLS files as written (read at run time); `certFile` and `keyFile` are both set or both absent. */
export interface TlsConfig {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  serverName?: string;
  /** The `tls` key. */
  location: SourceLocation;
}

export interface ConfigModel {
  /** Path of the config file as given (relative), used in diagnostics. */
  file: string;
  caller?: CallerConfig;
  /** `[output] target`, when written (generate() falls back to "ts"; the CLI's --target wins over it). */
  output?: { target: OutputTarget; location: SourceLocation };
  /** Sorted by key. */
  services: ServiceConfig[];
}

/** `[service]`: the calling service; absent without a usable `name`. */
export interface CallerConfig {
  name: string;
  /** The `name` key. */
  location: SourceLocation;
  namespace?: string;
  /** `labels` as written (every key and value a valid Kubernetes label); absent when not written. */
  labels?: Record<string, string>;
  /** `network_policy = true`: where it is written. */
  networkPolicy?: { location: SourceLocation };
}

/**
 * `[external_services.<key>.mesh]` over `[defaults] mesh`, checked against the key table (keys.ts MESH_TABLE):
 * plain data in TOML's own names, every value of the right type and range. What it means for each mesh kind is
 * decided by src/mesh (resolveMesh), which also runs the checks that need more than one key.
 */
export interface MeshSettings {
  kind: MeshKind;
  retry_owner: RetryOwner;
  timeout_ms?: number;
  retries?: { attempts?: number; per_try_timeout_ms?: number; retry_on?: (string | number)[] };
  /** Subset name → pod labels. */
  subsets?: Record<string, Record<string, string>>;
  routes?: MeshRouteSettings[];
  outlier_detection?: false | {
    consecutive_5xx_errors?: number;
    interval_ms?: number;
    base_ejection_time_ms?: number;
    max_ejection_percent?: number;
    min_health_percent?: number;
  };
  connection_pool?: {
    max_connections?: number;
    connect_timeout_ms?: number;
    idle_timeout_ms?: number;
    http1_max_pending_requests?: number;
    http2_max_requests?: number;
    max_requests_per_connection?: number;
    max_retries?: number;
  };
  sidecar?: boolean;
  failure_accrual?: false | { max_failures?: number; min_penalty_ms?: number; max_penalty_ms?: number; jitter_ratio?: number };
  serviceprofile?: boolean;
  retry_budget?: { min_retries_per_second?: number; ttl_ms?: number };
  http_port_name?: string;
  grpc_port_name?: string;
  grpc_app_protocol?: "grpc" | "kubernetes.io/h2c";
}

export interface MeshRouteSettings {
  /** Header name → match; a bare string in the TOML is read as `{ exact }`. */
  headers?: Record<string, { exact?: string; prefix?: string; regex?: string }>;
  subset?: string;
  /** Subset → percent. */
  weights?: Record<string, number>;
  budget_ratio?: number;
}
