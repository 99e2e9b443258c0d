// The resolved mesh policy of one service (ServiceModel.mesh): what the YAML emitters and the lint read. Plain data,
// resolved once (src/mesh, called by the resolve stage) from the service's `mesh` settings and its ONE resolved client
// policy, so client and mesh cannot disagree.
import type { SourceLocation } from "../diagnostics.js";

/** Spelled here as in the policy vocabulary (src/runtime/vocabulary.ts MESH_KINDS, RETRY_OWNERS); the model imports nothing. */
export type MeshKind = "none" | "istio" | "linkerd";
export type RetryOwner = "client" | "mesh";


/** What a retry reacts to, in the client's vocabulary (`retry_on = ["connect", "timeout", 503]`). */
export interface RetryConditions {
  connect: boolean;
  timeout: boolean;
  /** HTTP statuses, sorted ascending. */
  statuses: number[];
  /**
   * gRPC statuses in the meshes' shared vocabulary (`unavailable`, `resource-exhausted`, ...), in status-code order:
   * the service's `retry.grpc_retry_on` that Istio and Linkerd can retry. Empty without a gRPC client.
   */
  grpc: string[];
}

export interface MeshRetries {
  /** Retries after the first try (Istio `attempts`, Linkerd `retry.linkerd.io/limit`); 0: the mesh does not retry. */
  attempts: number;
  /** Timeout of each try (ms): with attempts > 0, when timed-out tries are retried or the table sets it. */
  perTryTimeoutMs?: number;
  on: RetryConditions;
  /** `retries` was written in the mesh table (not derived from the client policy). */
  explicit: boolean;
  /** `retries.per_try_timeout_ms` was written; otherwise it is derived so every try fits the route timeout. */
  perTryExplicit: boolean;
}

export interface HeaderMatch {
  /** Lower-case header name. */
  name: string;
  kind: "exact" | "prefix" | "regex";
  value: string;
}

export interface RouteDestination {
  subset: string;
  /** Percent; present when the route splits traffic (weights add up to 100). */
  weight?: number;
}

/** One `[[…mesh.routes]]` entry (Istio): requests matching every header go to the destinations. */
export interface MeshRoute {
  /** Empty for the final catch-all route. */
  headers: HeaderMatch[];
  destinations: RouteDestination[];
  /** `budget_ratio` written on the route: retry budgets are per service, so this is reported, never emitted. */
  budgetRatio?: number;
  location: SourceLocation;
}

export interface MeshSubset {
  /** RFC 1123 label. */
  name: string;
  /** Pod labels selecting the subset, sorted by key. */
  labels: Record<string, string>;
  location: SourceLocation;
}

export type MeshLoadBalancer =
  | { kind: "simple"; simple: "ROUND_ROBIN" | "LEAST_REQUEST" }
  | { kind: "hash"; header: string };

/** Istio `outlierDetection`: the mesh-side counterpart of the client's circuit breaker. */
export interface OutlierDetection {
  consecutive5xxErrors: number;
  intervalMs: number;
  baseEjectionMs: number;
  maxEjectionPercent?: number;
  minHealthPercent?: number;
}

/** Linkerd `balancer.linkerd.io/failure-accrual*` (consecutive mode). */
export interface FailureAccrual {
  maxFailures: number;
  minPenaltyMs: number;
  maxPenaltyMs: number;
  jitterRatio?: number;
}

/** Istio `connectionPool`; only what `connection_pool` sets (connect timeout defaults to the client's). */
export interface ConnectionPool {
  maxConnections?: number;
  connectTimeoutMs: number;
  idleTimeoutMs?: number;
  http1MaxPendingRequests?: number;
  http2MaxRequests?: number;
  maxRequestsPerConnection?: number;
  maxRetries?: number;
}

/** Linkerd ServiceProfile `retryBudget`; the ratio is the client's `retry.budget_ratio`. */
export interface RetryBudget {
  ratio: number;
  minRetriesPerSecond: number;
  ttlMs: number;
}

/** Where the callee lives in Kubernetes, derived from the URL host. */
export interface KubeService {
  /** Service name: the first label of the host. */
  name: string;
  namespace?: string;
  /** Headless Service name when discovery is "headless". */
  headlessName?: string;
  /** The pod labels the generated Services select on: `{ app: <name> }`. */
  selector: Record<string, string>;
  httpPortName: string;
  /** The port the pods listen on for HTTP (the Service port's targetPort): the URL's port. */
  httpTargetPort: number;
  grpcPortName: string;
  /** The port the pods listen on for gRPC (the grpc Service port's targetPort): grpc_port. */
  grpcTargetPort?: number;
  grpcAppProtocol: "grpc" | "kubernetes.io/h2c";
  /** `cluster_domain` when services.toml sets it; absent means `cluster.local`. */
  clusterDomain?: string;
}

export interface ResolvedMesh {
  kind: MeshKind;
  retryOwner: RetryOwner;
  /** Absent when the host is not a cluster Service name (an IP, an external domain): no manifests are written. */
  kube?: KubeService;
  /** Route timeout (ms): the whole call, every try included. */
  timeoutMs: number;
  /** `timeout_ms` was written in the mesh table. */
  timeoutExplicit: boolean;
  retries: MeshRetries;
  subsets: MeshSubset[];
  routes: MeshRoute[];
  loadBalancer?: MeshLoadBalancer;
  outlierDetection?: OutlierDetection;
  failureAccrual?: FailureAccrual;
  connectionPool?: ConnectionPool;
  /** Istio: write a Sidecar limiting the caller's egress to its dependencies. */
  sidecar: boolean;
  /** Linkerd: also write the legacy ServiceProfile. */
  serviceProfile: boolean;
  retryBudget: RetryBudget;
  /** With retry_owner = "mesh": client retry keys written for this service that no mesh resource carries. */
  clientOnlyRetryKeys: string[];
  /** The route policy of the service and of every operation and gRPC method, grouped as routes carry them. */
  policies: MeshPolicies;
  /** TOML positions by dotted key (`mesh.retries`, `retry.max_attempts`, `hash_header`, …), for the lint. */
  locations: Record<string, SourceLocation>;
}

/** What a route does with calls: its timeout and its retries. */
export interface RoutePolicy {
  timeoutMs: number;
  retries: { attempts: number; perTryTimeoutMs?: number; on: RetryConditions };
}

/** A gRPC method as a route matches it: `/<service>/<method>` on the wire. */
export interface GrpcMethodRef {
  /** Fully qualified proto service (`auth.v1.AuthService`). */
  service: string;
  method: string;
  idempotent: boolean;
  /** services.toml's per-method `timeout_ms`. */
  timeoutMs?: number;
  location: SourceLocation;
}

export interface PolicyGroup {
  /** DNS-label-safe and unique within the service, e.g. `2s`, `no-retry`, `2s-connect-retry`. */
  label: string;
  policy: RoutePolicy;
  /** Names (OperationModel.name) of the OpenAPI operations in the group, in model order. */
  operations: string[];
  /** In proto order. */
  grpcMethods: GrpcMethodRef[];
}

export interface MeshPolicies {
  /** The service-wide route policy. */
  defaults: RoutePolicy;
  /** Every OpenAPI operation (by OperationModel.name) with its own policy, in model order. */
  operations: Array<{ operation: string; policy: RoutePolicy }>;
  /** Every gRPC method a route can match (a service with a proto and a grpc_port) with its policy, in proto order. */
  grpcMethods: Array<{ method: GrpcMethodRef; policy: RoutePolicy }>;
  /** Operations and gRPC methods whose policy differs from `defaults`, grouped by policy, sorted by label. */
  groups: PolicyGroup[];
}
