// `[external_services.<key>.mesh]` → ResolvedMesh. Every key is checked (unknown keys get a suggestion), every
// number comes from the service's resolved policy unless the mesh table overrides it.
import type { Diagnostic, ServiceModel, SourceLocation } from "../model/types.js";
import { resolveConnectionPool, resolveFailureAccrual, resolveOutlierDetection } from "./breaker.js";
import { MESH_KEYS, RETRY_BUDGET_KEYS } from "./keys.js";
import { resolveKube } from "./kube.js";
import { type Locate, SettingsReader } from "./read.js";
import { resolveRetries } from "./retries.js";
import { readRoutes, readSubsets } from "./routes.js";
import type { MeshLoadBalancer, ResolvedMesh, RetryBudget } from "./types.js";

/** Client retry keys no mesh resource carries (backoff and jitter are the mesh's own; budgets only in profiles). */
const CLIENT_ONLY_RETRY_KEYS = ["budget_ratio", "initial_backoff_ms", "jitter", "max_backoff_ms"];
/** Non-mesh keys whose positions the lint points at. */
const LOCATED_KEYS = [
  ["circuit_breaker"],
  ["discovery"],
  ["grpc_port"],
  ["hash_header"],
  ["headless_name"],
  ["load_balancer"],
  ["namespace"],
  ["retry"],
  ["retry", "budget_ratio"],
  ["retry", "grpc_retry_on"],
  ["retry", "initial_backoff_ms"],
  ["retry", "jitter"],
  ["retry", "max_attempts"],
  ["retry", "max_backoff_ms"],
  ["retry", "retry_on"],
  ["timeout_ms"],
  ["url"],
];

export function resolveMesh(
  service: ServiceModel,
  locate: (keyPath: string[]) => SourceLocation | undefined,
): { mesh: ResolvedMesh; diagnostics: Diagnostic[] } {
  const reader = new SettingsReader(service, locate as Locate);
  const kind = service.mesh.kind;
  const settings = service.mesh.settings;
  checkKeys(service, reader);
  if (kind === "none" && service.mesh.retryOwner === "mesh") {
    reader.diagnostics.push({
      severity: "warning",
      code: "mesh/ignored",
      message: `mesh.retry_owner = "mesh" needs mesh.kind "istio" or "linkerd"; without a mesh the client retries`,
      location: reader.at(["mesh", "retry_owner"]),
    });
  }

  const applies = (key: string): boolean => MESH_KEYS[key]?.kinds.includes(kind) ?? false;
  const timeoutMs =
    applies("timeout_ms") && settings.timeout_ms !== undefined
      ? (reader.integer(settings.timeout_ms, ["timeout_ms"], 1) ?? service.policy.timeoutMs)
      : service.policy.timeoutMs;
  const subsets = applies("subsets") ? readSubsets(settings.subsets, reader) : [];
  const routes = applies("routes") ? readRoutes(settings.routes, subsets, reader) : [];
  const breaker = service.policy.circuitBreaker;
  const outlierDetection = kind === "istio" ? resolveOutlierDetection(breaker, settings.outlier_detection, reader) : undefined;
  const failureAccrual = kind === "linkerd" ? resolveFailureAccrual(breaker, settings.failure_accrual, reader) : undefined;
  const connectionPool =
    kind === "istio" ? resolveConnectionPool(service.policy.connectTimeoutMs, settings.connection_pool, reader) : undefined;
  const kube = resolveKube(service, reader);
  if (!kube && kind !== "none") {
    reader.diagnostics.push({
      severity: "error",
      code: "mesh/host",
      message: `mesh.kind = "${kind}" needs a Kubernetes Service host (users-api, users-api.<namespace>.svc[.cluster.local]), got ${JSON.stringify(service.host)}`,
      location: reader.at(["url"]),
    });
  }
  const flag = (key: string): boolean =>
    applies(key) && settings[key] !== undefined ? (reader.boolean(settings[key], [key]) ?? false) : false;
  const serviceProfile = flag("serviceprofile");
  if (serviceProfile && kube && kube.namespace === undefined) {
    reader.error("mesh/namespace", "mesh.serviceprofile needs the service's namespace (set namespace)", ["serviceprofile"]);
  }
  const loadBalancer = meshLoadBalancer(service);
  const mesh: ResolvedMesh = {
    kind,
    retryOwner: service.mesh.retryOwner,
    ...(kube ? { kube } : {}),
    timeoutMs,
    timeoutExplicit: applies("timeout_ms") && settings.timeout_ms !== undefined,
    retries: resolveRetries(service, kind, timeoutMs, reader),
    subsets,
    routes,
    ...(loadBalancer ? { loadBalancer } : {}),
    ...(outlierDetection ? { outlierDetection } : {}),
    ...(failureAccrual ? { failureAccrual } : {}),
    ...(connectionPool ? { connectionPool } : {}),
    sidecar: flag("sidecar"),
    serviceProfile,
    retryBudget: retryBudget(service, applies("retry_budget") ? settings.retry_budget : undefined, reader),
    clientOnlyRetryKeys: clientOnlyRetryKeys(service, reader),
    locations: locations(service, reader),
  };
  return { mesh, diagnostics: reader.diagnostics };
}

function checkKeys(service: ServiceModel, reader: SettingsReader): void {
  const kind = service.mesh.kind;
  const known = Object.keys(MESH_KEYS).sort();
  reader.knownKeys(service.mesh.settings, known, []);
  for (const key of Object.keys(service.mesh.settings).sort()) {
    const spec = MESH_KEYS[key];
    if (!spec || spec.kinds.includes(kind)) continue;
    const target = spec.kinds.map((k) => `"${k}"`).join(" or ");
    if (kind === "none") {
      reader.warning("mesh/ignored", `mesh.${key} is ignored: mesh.kind is "none" (it applies to ${target})`, [key]);
    } else {
      reader.error("mesh/wrong-kind", `mesh.${key} applies to mesh.kind ${target} only, not "${kind}"`, [key]);
    }
  }
}

function meshLoadBalancer(service: ServiceModel): MeshLoadBalancer | undefined {
  switch (service.policy.loadBalancer) {
    case "round_robin":
      return { kind: "simple", simple: "ROUND_ROBIN" };
    // Istio has no health-aware balancer; least-request plus outlier detection is its nearest equivalent.
    case "least_request":
    case "health_aware":
      return { kind: "simple", simple: "LEAST_REQUEST" };
    case "consistent_hash":
      return service.policy.hashHeader ? { kind: "hash", header: service.policy.hashHeader } : undefined;
    // Ordered failover has no DestinationRule equivalent without locality data: leave the mesh's default.
    case "failover":
      return undefined;
  }
}

function retryBudget(service: ServiceModel, raw: unknown, reader: SettingsReader): RetryBudget {
  const budget: RetryBudget = { ratio: service.policy.retry.budgetRatio, minRetriesPerSecond: 10, ttlMs: 10_000 };
  if (raw === undefined) return budget;
  const path = ["retry_budget"];
  const table = reader.table(raw, path);
  if (!table || !reader.knownKeys(table, RETRY_BUDGET_KEYS, path)) return budget;
  if (table.min_retries_per_second !== undefined) {
    budget.minRetriesPerSecond =
      reader.integer(table.min_retries_per_second, [...path, "min_retries_per_second"], 0) ?? budget.minRetriesPerSecond;
  }
  if (table.ttl_ms !== undefined) budget.ttlMs = reader.integer(table.ttl_ms, [...path, "ttl_ms"], 1) ?? budget.ttlMs;
  if (service.mesh.settings.serviceprofile !== true) {
    reader.warning("mesh/ignored", "mesh.retry_budget is ignored without mesh.serviceprofile = true", path);
  }
  return budget;
}

/** With the mesh owning retries: retry keys in the service's own table that only the client would have used. */
function clientOnlyRetryKeys(service: ServiceModel, reader: SettingsReader): string[] {
  if (service.mesh.kind === "none" || service.mesh.retryOwner !== "mesh") return [];
  const carried = service.mesh.kind === "linkerd" && service.mesh.settings.serviceprofile === true ? ["budget_ratio"] : [];
  return CLIENT_ONLY_RETRY_KEYS.filter((key) => !carried.includes(key) && reader.own(["retry", key]) !== undefined);
}

function locations(service: ServiceModel, reader: SettingsReader): Record<string, SourceLocation> {
  const out: Record<string, SourceLocation> = {};
  const add = (path: readonly string[]): void => {
    const found = reader.find(path);
    if (found) out[path.join(".")] = found;
  };
  for (const path of LOCATED_KEYS) add(path);
  add(["mesh"]);
  add(["mesh", "retry_owner"]);
  for (const key of Object.keys(service.mesh.settings).sort()) {
    add(["mesh", key]);
    const value = service.mesh.settings[key];
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const sub of Object.keys(value).sort()) add(["mesh", key, sub]);
    }
  }
  return out;
}
