// Mesh retries from the ONE resolved client policy: with retry_owner = "mesh" the mesh gets the client's numbers
// and the client does not retry; with "client" the mesh is told not to retry (Istio would retry twice by default).
import type { ServiceModel } from "../model/types.js";
import { fittingPerTryMs } from "./backoff.js";
import { RETRIES_KEYS } from "./keys.js";
import { describe, type SettingsReader } from "./read.js";
import type { MeshKind, MeshRetries, RetryConditions } from "./types.js";

/** Whether the generated client must not retry: the mesh owns retries. The model builder sets maxAttempts = 1. */
export function clientRetryDisabled(service: ServiceModel): boolean {
  return service.mesh.kind !== "none" && service.mesh.retryOwner === "mesh";
}

export function resolveRetries(
  service: ServiceModel,
  kind: MeshKind,
  timeoutMs: number,
  reader: SettingsReader,
): MeshRetries {
  const retry = service.policy.retry;
  const raw = service.mesh.settings.retries;
  const owned = kind !== "none" && service.mesh.retryOwner === "mesh";
  let attempts = owned ? retry.maxAttempts - 1 : 0;
  const grpc = meshGrpcStatuses(service);
  let on: RetryConditions = {
    connect: retry.retryOnConnect,
    timeout: retry.retryOnTimeout,
    statuses: [...retry.retryOnStatus].sort((a, b) => a - b),
    grpc,
  };
  let perTry: number | undefined;
  // Under kind "none" the key was reported as ignored; nothing of it applies.
  const table = raw === undefined || kind === "none" ? undefined : reader.table(raw, ["retries"]);
  if (table && reader.knownKeys(table, RETRIES_KEYS, ["retries"])) {
    if (table.attempts !== undefined) attempts = reader.integer(table.attempts, ["retries", "attempts"], 0, 100) ?? attempts;
    if (table.per_try_timeout_ms !== undefined) {
      perTry = reader.integer(table.per_try_timeout_ms, ["retries", "per_try_timeout_ms"], 1);
    }
    if (table.retry_on !== undefined) on = readConditions(table.retry_on, grpc, reader) ?? on;
  }
  // Nothing to react to means no retries, for the mesh as for the client.
  if (!on.connect && !on.timeout && on.statuses.length === 0 && on.grpc.length === 0) attempts = 0;
  // A per-try timeout only makes sense when a timed-out try is retried (or when it was asked for).
  const perTryTimeoutMs =
    attempts === 0 ? undefined : (perTry ?? (on.timeout ? fittingPerTryMs(kind, timeoutMs, attempts) : undefined));
  return {
    attempts,
    ...(perTryTimeoutMs !== undefined ? { perTryTimeoutMs } : {}),
    on,
    explicit: raw !== undefined && kind !== "none",
    perTryExplicit: perTry !== undefined,
  };
}

const WORDS = ["connect", "timeout"];

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
function meshGrpcStatuses(service: ServiceModel): string[] {
  const names = service.proto?.retryOn ?? [];
  return [...MESH_GRPC_STATUSES].filter(([name]) => names.includes(name)).map(([, mesh]) => mesh);
}

/** The mesh's `retry_on` is in the client's HTTP vocabulary; gRPC statuses always come from `retry.grpc_retry_on`. */
function readConditions(value: unknown, grpc: string[], reader: SettingsReader): RetryConditions | undefined {
  const path = ["retries", "retry_on"];
  if (!Array.isArray(value)) {
    reader.error("mesh/invalid", `${reader.name(path)} must be an array of "connect", "timeout" and HTTP statuses`, path);
    return undefined;
  }
  const on: RetryConditions = { connect: false, timeout: false, statuses: [], grpc };
  let ok = true;
  value.forEach((item, index) => {
    const at = [...path, String(index)];
    if (item === "connect") on.connect = true;
    else if (item === "timeout") on.timeout = true;
    else if (typeof item === "number" && Number.isInteger(item) && item >= 100 && item <= 599) {
      if (!on.statuses.includes(item)) on.statuses.push(item);
    } else {
      const hint = typeof item === "string" ? WORDS.find((w) => w.startsWith(item.slice(0, 3).toLowerCase())) : undefined;
      reader.error(
        "mesh/invalid",
        `${reader.name(at)} must be "connect", "timeout" or an HTTP status from 100 to 599, got ${describe(item)}` +
          (hint ? ` (did you mean "${hint}"?)` : ""),
        at,
      );
      ok = false;
    }
  });
  on.statuses.sort((a, b) => a - b);
  return ok ? on : undefined;
}
