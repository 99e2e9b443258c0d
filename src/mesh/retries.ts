// Mesh retries from the ONE resolved client policy: with retry_owner = "mesh" the mesh gets the client's numbers
// and the client does not retry; with "client" the mesh is told not to retry (Istio would retry twice by default).
import type { MeshSettings } from "../config/types.js";
import type { MeshKind, MeshRetries, RetryConditions, RetryOwner } from "../model/types.js";
import { fittingPerTryMs } from "./backoff.js";
import type { MeshRules } from "./rules.js";
import type { ServiceBase } from "./service.js";

/** Whether the generated client must not retry: the mesh owns retries. The resolve stage then sets maxAttempts = 1. */
export function clientRetryDisabled(mesh: { kind: MeshKind; retryOwner: RetryOwner }): boolean {
  return mesh.kind !== "none" && mesh.retryOwner === "mesh";
}

export function resolveRetries(service: ServiceBase, settings: MeshSettings, rules: MeshRules | undefined, timeoutMs: number): MeshRetries {
  const kind = settings.kind;
  const retry = service.policy.retry;
  const owned = clientRetryDisabled({ kind, retryOwner: settings.retry_owner });
  // Under kind "none" the key was reported as ignored; nothing of it applies.
  const table = kind === "none" ? undefined : settings.retries;
  const grpc = meshGrpcStatuses(service);
  let on: RetryConditions = {
    connect: retry.retryOnConnect,
    timeout: retry.retryOnTimeout,
    statuses: [...retry.retryOnStatus].sort((a, b) => a - b),
    grpc,
  };
  if (table?.retry_on !== undefined) on = conditions(table.retry_on, grpc);
  let attempts = table?.attempts ?? (owned ? retry.maxAttempts - 1 : 0);
  const perTry = table?.per_try_timeout_ms;
  // Nothing to react to means no retries, for the mesh as for the client.
  if (!on.connect && !on.timeout && on.statuses.length === 0 && on.grpc.length === 0) attempts = 0;
  // A per-try timeout only makes sense when a timed-out try is retried (or when it was asked for).
  const perTryTimeoutMs =
    attempts === 0 ? undefined : (perTry ?? (on.timeout ? fittingPerTryMs(rules, timeoutMs, attempts) : undefined));
  return {
    attempts,
    ...(perTryTimeoutMs !== undefined ? { perTryTimeoutMs } : {}),
    on,
    explicit: table !== undefined,
    perTryExplicit: perTry !== undefined,
  };
}

/**
 * The gRPC statuses both meshes can retry (Istio `retryOn`, Linkerd `retry.linkerd.io/grpc`), by their name in
 * services.toml, in status-code order.
 */
export const MESH_GRPC_STATUSES: ReadonlyMap<string, string> = new Map([
  ["CANCELLED", "cancelled"],
  ["DEADLINE_EXCEEDED", "deadline-exceeded"],
  ["RESOURCE_EXHAUSTED", "resource-exhausted"],
  ["INTERNAL", "internal"],
  ["UNAVAILABLE", "unavailable"],
]);

/** The service's gRPC retry statuses that a mesh can express (the rest is lint SVC115's business). */
function meshGrpcStatuses(service: ServiceBase): string[] {
  const names = service.proto?.retryOn ?? [];
  return [...MESH_GRPC_STATUSES].filter(([name]) => names.includes(name)).map(([, mesh]) => mesh);
}

/** The mesh's `retry_on` (checked by the key table) is in the client's HTTP vocabulary; gRPC statuses come from `retry.grpc_retry_on`. */
function conditions(retryOn: readonly (string | number)[], grpc: string[]): RetryConditions {
  const statuses = [...new Set(retryOn.filter((v): v is number => typeof v === "number"))].sort((a, b) => a - b);
  return { connect: retryOn.includes("connect"), timeout: retryOn.includes("timeout"), statuses, grpc };
}
