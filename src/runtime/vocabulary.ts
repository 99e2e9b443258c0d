// The one policy vocabulary: the kinds, names and defaults that services.toml (src/config), the model, the mesh
// emitters and the runtime all speak. It lives in the runtime because generated code carries the runtime and must
// stay self-contained; it imports nothing, so the generator may import it without pulling the runtime in.
// A kind or a default written anywhere else is a bug: add it here and import it.

export const LOAD_BALANCER_KINDS = ["round_robin", "health_aware", "consistent_hash", "least_request", "failover"] as const;
export type LoadBalancerKind = (typeof LOAD_BALANCER_KINDS)[number];

export const DISCOVERY_KINDS = ["dns", "headless", "static"] as const;
export type DiscoveryKind = (typeof DISCOVERY_KINDS)[number];

export const JITTER_KINDS = ["full", "none"] as const;
export type JitterKind = (typeof JITTER_KINDS)[number];

export const MESH_KINDS = ["none", "istio", "linkerd"] as const;
export type MeshKind = (typeof MESH_KINDS)[number];

export const RETRY_OWNERS = ["client", "mesh"] as const;
export type RetryOwner = (typeof RETRY_OWNERS)[number];

/** Words of `retry_on` besides HTTP status codes. */
export const RETRY_ON_WORDS = ["connect", "timeout"] as const;

export const HEALTH_CHECK_PATHS = ["ready", "health"] as const;

/** gRPC status code names; index = status code (grpc/doc/statuscodes.md). */
export const GRPC_STATUS_NAMES = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
] as const;
export type GrpcStatusName = (typeof GRPC_STATUS_NAMES)[number];

/**
 * HTTP methods that are idempotent by definition (RFC 9110 §9.2.2), upper-case. The generator decides each
 * operation's `idempotent` from this list, the spec's `x-idempotent` and services.toml; the runtime trusts that
 * decision and never consults the method again.
 */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/** Is `method` (any case) idempotent by definition? */
export function isIdempotentMethod(method: string): boolean {
  return IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/** gRPC's retry policy allows at most five attempts (gRFC A6); larger settings are capped (lint SVC108 says so). */
export const MAX_GRPC_ATTEMPTS = 5;

/** Connections older than this are not reused (ms), so pods added behind a ClusterIP Service get traffic. */
export const DEFAULT_MAX_CONNECTION_AGE_MS = 60_000;

/** The cluster's DNS domain unless services.toml says otherwise. */
export const DEFAULT_CLUSTER_DOMAIN = "cluster.local";

/** Largest 2xx body a call reads (bytes). */
export const DEFAULT_MAX_RESPONSE_BYTES: number = 32 * 1024 * 1024;

/** Error bodies are read up to this many bytes (then marked truncated). */
export const ERROR_BODY_LIMIT: number = 64 * 1024;

/** At most this percentage of a service's endpoints may have an open breaker at once (at least one may). */
export const DEFAULT_MAX_EJECTION_PERCENT = 50;

/** Retry budget: the floor of retries per second, and the window the ratio is taken over (Linkerd's ttl). */
export const DEFAULT_RETRY_BUDGET = { minRetriesPerSecond: 10, windowMs: 10_000 } as const;

/** Active probes of the health_aware balancer; the probe timeout is min(intervalMs, maxTimeoutMs). */
export const DEFAULT_HEALTH_CHECK = {
  path: "ready",
  intervalMs: 5_000,
  jitter: 0.2,
  maxTimeoutMs: 2_000,
  unhealthyThreshold: 2,
  healthyThreshold: 3,
} as const;

/**
 * The schemes a client without spec schemes takes (a service without a spec, a spec that defines none, every gRPC
 * client): `bearer` or `basic`, either one. The generator (resolve/auth.ts) and the runtime (auth/credentials.ts)
 * read this one list.
 */
export const IMPLIED_SCHEME_KINDS = { basic: "basic", bearer: "bearer" } as const;
export const IMPLIED_SECURITY: readonly (readonly string[])[] = [["bearer"], ["basic"]];
