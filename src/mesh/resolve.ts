// A service's `mesh` settings (checked by the key table) + its ONE resolved client policy → ResolvedMesh, with the
// checks that need more than one key: a key that applies to another mesh kind, a mesh kind without a Kubernetes host,
// routes and subsets (routes.ts). Every number comes from the client policy unless the mesh table overrides it.
import type { MeshSettings } from "../config/types.js";
import type { Diagnostic, MeshLoadBalancer, ResolvedMesh, RetryBudget, SourceLocation } from "../model/types.js";
import { DEFAULT_RETRY_BUDGET, MESH_KINDS } from "../runtime/vocabulary.js";
import { resolveConnectionPool, resolveFailureAccrual, resolveOutlierDetection } from "./breaker.js";
import { type MeshKey, appliesTo, kindsOf, meshKeysSet } from "./keys.js";
import { resolveKube } from "./kube.js";
import { operationPolicies } from "./operations.js";
import { type Locate, MeshReport } from "./report.js";
import { resolveRetries } from "./retries.js";
import { readRoutes, readSubsets } from "./routes.js";
import type { MeshRulesOf } from "./rules.js";
import type { ServiceBase } from "./service.js";

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
  service: ServiceBase,
  settings: MeshSettings,
  locate: Locate,
  rulesOf: MeshRulesOf,
): { mesh: ResolvedMesh; diagnostics: Diagnostic[] } {
  const reader = new MeshReport(service, locate);
  const kind = settings.kind;
  const rules = rulesOf(kind);
  checkKinds(settings, rulesOf, reader);
  if (kind === "none" && settings.retry_owner === "mesh") {
    reader.diagnostics.push({
      severity: "warning",
      code: "mesh/ignored",
      message: `mesh.retry_owner = "mesh" needs mesh.kind ${meshes(rulesOf)}; without a mesh the client retries`,
      location: reader.at(["mesh", "retry_owner"]),
    });
  }

  // A key under a kind it does not apply to was reported by checkKinds; nothing of it applies.
  const reads = (key: MeshKey): boolean => appliesTo(key, rules);
  const applies = (key: MeshKey): boolean => settings[key] !== undefined && reads(key);
  const timeoutExplicit = applies("timeout_ms");
  const timeoutMs = timeoutExplicit ? settings.timeout_ms! : service.policy.timeoutMs;
  const subsets = applies("subsets") ? readSubsets(settings.subsets, reader) : [];
  const routes = applies("routes") ? readRoutes(settings.routes, subsets, reader) : [];
  const breaker = service.policy.circuitBreaker;
  // Derived from the client's breaker even when not written, for the meshes that read them.
  const outlierDetection = reads("outlier_detection") ? resolveOutlierDetection(breaker, settings.outlier_detection) : undefined;
  const failureAccrual = reads("failure_accrual") ? resolveFailureAccrual(breaker, settings.failure_accrual, reader) : undefined;
  const connectionPool = reads("connection_pool")
    ? resolveConnectionPool(service.policy.connectTimeoutMs, settings.connection_pool)
    : undefined;
  const kube = resolveKube(service, settings, reader);
  if (!kube && kind !== "none") {
    reader.diagnostics.push({
      severity: "error",
      code: "mesh/host",
      message: `mesh.kind = "${kind}" needs a Kubernetes Service host (users-api, users-api.<namespace>.svc[.cluster.local]), got ${JSON.stringify(service.host)}`,
      location: reader.at(["url"]),
    });
  }
  const flag = (key: "sidecar" | "serviceprofile"): boolean => applies(key) && settings[key] === true;
  const serviceProfile = flag("serviceprofile");
  if (serviceProfile && kube && kube.namespace === undefined) {
    reader.error("mesh/namespace", "mesh.serviceprofile needs the service's namespace (set namespace)", ["serviceprofile"]);
  }
  const loadBalancer = meshLoadBalancer(service);
  const mesh: Omit<ResolvedMesh, "policies"> = {
    kind,
    retryOwner: settings.retry_owner,
    ...(kube ? { kube } : {}),
    timeoutMs,
    timeoutExplicit,
    retries: resolveRetries(service, settings, rules, timeoutMs),
    subsets,
    routes,
    ...(loadBalancer ? { loadBalancer } : {}),
    ...(outlierDetection ? { outlierDetection } : {}),
    ...(failureAccrual ? { failureAccrual } : {}),
    ...(connectionPool ? { connectionPool } : {}),
    sidecar: flag("sidecar"),
    serviceProfile,
    retryBudget: retryBudget(service, settings, applies("retry_budget"), reader),
    clientOnlyRetryKeys: clientOnlyRetryKeys(settings, serviceProfile, reader),
    locations: locations(settings, reader),
  };
  return { mesh: { ...mesh, policies: operationPolicies(service, mesh, rules) }, diagnostics: reader.diagnostics };
}

/** `"istio" or "linkerd"`: the kinds that are meshes. */
function meshes(rulesOf: MeshRulesOf): string {
  return MESH_KINDS.filter((kind) => rulesOf(kind) !== undefined)
    .map((kind) => `"${kind}"`)
    .join(" or ");
}

/** Keys written for another mesh kind: an error under a mesh, a warning without one. */
function checkKinds(settings: MeshSettings, rulesOf: MeshRulesOf, reader: MeshReport): void {
  const kind = settings.kind;
  for (const key of meshKeysSet(settings)) {
    if (appliesTo(key, rulesOf(kind))) continue;
    const kinds = kindsOf(key, MESH_KINDS, rulesOf);
    const target = kinds.map((k) => `"${k}"`).join(" or ");
    if (kind === "none") {
      reader.warning("mesh/ignored", `mesh.${key} is ignored: mesh.kind is "none" (it applies to ${target})`, [key]);
    } else {
      reader.error("mesh/wrong-kind", `mesh.${key} applies to mesh.kind ${target} only, not "${kind}"`, [key]);
    }
  }
}

function meshLoadBalancer(service: ServiceBase): MeshLoadBalancer | undefined {
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

function retryBudget(service: ServiceBase, settings: MeshSettings, applies: boolean, reader: MeshReport): RetryBudget {
  const budget: RetryBudget = {
    ratio: service.policy.retry.budgetRatio,
    minRetriesPerSecond: DEFAULT_RETRY_BUDGET.minRetriesPerSecond,
    ttlMs: DEFAULT_RETRY_BUDGET.windowMs,
  };
  const table = applies ? settings.retry_budget : undefined;
  if (table === undefined) return budget;
  if (table.min_retries_per_second !== undefined) budget.minRetriesPerSecond = table.min_retries_per_second;
  if (table.ttl_ms !== undefined) budget.ttlMs = table.ttl_ms;
  if (settings.serviceprofile !== true) {
    reader.warning("mesh/ignored", "mesh.retry_budget is ignored without mesh.serviceprofile = true", ["retry_budget"]);
  }
  return budget;
}

/** With the mesh owning retries: retry keys in the service's own table that only the client would have used. */
function clientOnlyRetryKeys(settings: MeshSettings, serviceProfile: boolean, reader: MeshReport): string[] {
  if (settings.kind === "none" || settings.retry_owner !== "mesh") return [];
  // A ServiceProfile carries the retry budget.
  const carried = serviceProfile ? ["budget_ratio"] : [];
  return CLIENT_ONLY_RETRY_KEYS.filter((key) => !carried.includes(key) && reader.own(["retry", key]) !== undefined);
}

function locations(settings: MeshSettings, reader: MeshReport): Record<string, SourceLocation> {
  const out: Record<string, SourceLocation> = {};
  const add = (path: readonly string[]): void => {
    const found = reader.find(path);
    if (found) out[path.join(".")] = found;
  };
  for (const path of LOCATED_KEYS) add(path);
  add(["mesh"]);
  add(["mesh", "retry_owner"]);
  for (const key of meshKeysSet(settings)) {
    add(["mesh", key]);
    const value = settings[key];
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const sub of Object.keys(value).sort()) add(["mesh", key, sub]);
    }
  }
  return out;
}
