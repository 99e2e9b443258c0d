// Per-operation mesh policy: an operation's own timeout, and no retries after the request was sent for operations
// that are not idempotent (connection failures stay retryable: nothing reached the server). Operations whose policy
// differs from the service's are grouped so each distinct policy becomes one route. gRPC methods (on grpc_port) follow
// the same rules and join the same groups: one policy, one route label, whatever the protocol.
import type { GrpcMethodRef, MeshPolicies, PolicyGroup, ResolvedMesh, RoutePolicy } from "../model/types.js";
import { fittingPerTryMs } from "./backoff.js";
import { formatDuration } from "./duration.js";
import type { MeshRules } from "./rules.js";
import type { ServiceBase } from "./service.js";

/** The gRPC methods a mesh can route on their own: those of a service with a proto and a grpc_port. */
export function grpcMethodRefs(service: ServiceBase): GrpcMethodRef[] {
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

/** The service's route policies; `mesh` is the service's mesh before its policies are added. */
export function operationPolicies(service: ServiceBase, mesh: Omit<ResolvedMesh, "policies">, rules: MeshRules | undefined): MeshPolicies {
  const defaults: RoutePolicy = {
    timeoutMs: mesh.timeoutMs,
    retries: {
      attempts: mesh.retries.attempts,
      ...(mesh.retries.perTryTimeoutMs !== undefined ? { perTryTimeoutMs: mesh.retries.perTryTimeoutMs } : {}),
      on: mesh.retries.on,
    },
  };
  const operations = (service.openapi?.operations ?? []).map((operation) => ({
    operation: operation.name,
    policy: operationPolicy(operation, mesh, rules),
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
  const grpcMethods = grpcMethodRefs(service).map((method) => ({ method, policy: operationPolicy(method, mesh, rules) }));
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
function operationPolicy(
  operation: { idempotent: boolean; timeoutMs?: number },
  mesh: Omit<ResolvedMesh, "policies">,
  rules: MeshRules | undefined,
): RoutePolicy {
  const timeoutMs = operation.timeoutMs ?? mesh.timeoutMs;
  let { attempts } = mesh.retries;
  let on = mesh.retries.on;
  if (attempts > 0 && !operation.idempotent) {
    // gRPC statuses stay on the Service's default route: an HTTP operation's route never carries gRPC calls.
    on = { connect: on.connect, timeout: false, statuses: [], grpc: [] };
    // A mesh that cannot retry connection failures alone (Linkerd's proxy reconnects by itself): no retries.
    if (!on.connect || !rules?.retriesConnectFailuresAlone) attempts = 0;
  }
  if (attempts === 0) return { timeoutMs, retries: { attempts: 0, on } };
  const perTryTimeoutMs =
    mesh.retries.perTryExplicit && mesh.retries.perTryTimeoutMs !== undefined
      ? mesh.retries.perTryTimeoutMs
      : on.timeout
        ? fittingPerTryMs(rules, timeoutMs, attempts)
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
