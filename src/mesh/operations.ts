// Per-operation mesh policy: an operation's own timeout, and no retries after the request was sent for operations
// that are not idempotent (connection failures stay retryable: nothing reached the server). Operations whose policy
// differs from the service's are grouped so each distinct policy becomes one route. gRPC methods (on grpc_port) follow
// the same rules and join the same groups: one policy, one route label, whatever the protocol.
import type { OperationModel, ServiceModel, SourceLocation } from "../model/types.js";
import { fittingPerTryMs } from "./backoff.js";
import { formatDuration } from "./duration.js";
import type { ResolvedMesh, RetryConditions } from "./types.js";

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
  /** In model order (sorted by name). */
  operations: OperationModel[];
  /** In proto order. */
  grpcMethods: GrpcMethodRef[];
}

export interface OperationPolicies {
  /** The service-wide route policy. */
  defaults: RoutePolicy;
  /** Every operation with its own policy, in model order. */
  operations: Array<{ operation: OperationModel; policy: RoutePolicy }>;
  /** Every gRPC method a route can match (see grpcMethodRefs) with its own policy, in proto order. */
  grpcMethods: Array<{ method: GrpcMethodRef; policy: RoutePolicy }>;
  /** Operations and gRPC methods whose policy differs from `defaults`, grouped by policy, sorted by label. */
  groups: PolicyGroup[];
}

/** The gRPC methods a mesh can route on their own: those of a service with a proto and a grpc_port. */
export function grpcMethodRefs(service: ServiceModel): GrpcMethodRef[] {
  if (service.proto === undefined || service.grpcPort === undefined) return [];
  return service.proto.services.flatMap((svc) =>
    svc.methods.map((m) => ({
      service: svc.fullName,
      method: m.name,
      idempotent: m.idempotent,
      ...(m.override?.timeoutMs !== undefined ? { timeoutMs: m.override.timeoutMs } : {}),
      location: m.location,
    })),
  );
}

export function operationPolicies(service: ServiceModel, mesh: ResolvedMesh): OperationPolicies {
  const defaults: RoutePolicy = {
    timeoutMs: mesh.timeoutMs,
    retries: {
      attempts: mesh.retries.attempts,
      ...(mesh.retries.perTryTimeoutMs !== undefined ? { perTryTimeoutMs: mesh.retries.perTryTimeoutMs } : {}),
      on: mesh.retries.on,
    },
  };
  const operations = (service.openapi?.operations ?? []).map((operation) => ({
    operation,
    policy: operationPolicy(operation, mesh),
  }));
  const byKey = new Map<string, PolicyGroup>();
  const defaultKey = JSON.stringify(defaults);
  const groupOf = (policy: RoutePolicy): PolicyGroup | undefined => {
    const key = JSON.stringify(policy);
    if (key === defaultKey) return undefined;
    let group = byKey.get(key);
    if (!group) byKey.set(key, (group = { label: label(policy, defaults), policy, operations: [], grpcMethods: [] }));
    return group;
  };
  for (const { operation, policy } of operations) groupOf(policy)?.operations.push(operation);
  const grpcMethods = grpcMethodRefs(service).map((method) => ({ method, policy: operationPolicy(method, mesh) }));
  for (const { method, policy } of grpcMethods) groupOf(policy)?.grpcMethods.push(method);
  const groups = [...byKey.values()].sort((a, b) => compare(a.label, b.label) || compare(JSON.stringify(a.policy), JSON.stringify(b.policy)));
  const seen = new Map<string, number>();
  for (const group of groups) {
    const count = (seen.get(group.label) ?? 0) + 1;
    seen.set(group.label, count);
    if (count > 1) group.label = `${group.label}-${count}`;
  }
  return { defaults, operations, grpcMethods, groups };
}

/** An HTTP operation's or a gRPC method's route policy: its own timeout, no retries after sending unless idempotent. */
function operationPolicy(operation: { idempotent: boolean; timeoutMs?: number }, mesh: ResolvedMesh): RoutePolicy {
  const timeoutMs = operation.timeoutMs ?? mesh.timeoutMs;
  let { attempts } = mesh.retries;
  let on = mesh.retries.on;
  if (attempts > 0 && !operation.idempotent) {
    // gRPC statuses stay on the Service's default route: an HTTP operation's route never carries gRPC calls.
    on = { connect: on.connect, timeout: false, statuses: [], grpc: [] };
    // Linkerd cannot retry connection failures alone (its proxy reconnects by itself): no retries.
    if (!on.connect || mesh.kind === "linkerd") attempts = 0;
  }
  if (attempts === 0) return { timeoutMs, retries: { attempts: 0, on } };
  const perTryTimeoutMs =
    mesh.retries.perTryExplicit && mesh.retries.perTryTimeoutMs !== undefined
      ? mesh.retries.perTryTimeoutMs
      : on.timeout
        ? fittingPerTryMs(mesh.kind, timeoutMs, attempts)
        : undefined;
  return { timeoutMs, retries: { attempts, ...(perTryTimeoutMs !== undefined ? { perTryTimeoutMs } : {}), on } };
}

function label(policy: RoutePolicy, defaults: RoutePolicy): string {
  const parts: string[] = [];
  if (policy.timeoutMs !== defaults.timeoutMs) parts.push(formatDuration(policy.timeoutMs));
  const r = policy.retries;
  if (r.attempts === 0 && defaults.retries.attempts > 0) parts.push("no-retry");
  else if (r.attempts > 0 && r.on.statuses.length === 0 && !r.on.timeout && defaults.retries.on.statuses.length > 0) {
    parts.push("connect-retry");
  }
  return parts.length > 0 ? parts.join("-") : "custom";
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
