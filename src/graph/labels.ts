// The words on one caller → service edge, each from the resolved model. Durations are written as the manifests write
// them (src/mesh/duration.ts), so `timeout 10s` here is `timeout: 10s` in the VirtualService.
import { hasGrpc } from "../emit/ts/service-file.js";
import { clientRetryDisabled } from "../mesh/retries.js";
import { formatDuration } from "../mesh/duration.js";
import type { CircuitBreakerPolicy, ServiceModel } from "../model/types.js";

/** Operations and gRPC methods with their own timeout named on the edge before they are only counted. */
const NAMED_TIMEOUTS = 2;

export function edgeLines(service: ServiceModel): string[] {
  return [
    protocols(service),
    timeouts(service),
    retries(service),
    balancer(service),
    `breaker: ${breaker(service.policy.circuitBreaker)}`,
    `discovery: ${discovery(service)}`,
    `mesh: ${service.mesh.kind}`,
  ];
}

/** HTTP is always there (every client has `request`, `health` and `ready`); gRPC when the protos declare a service. */
function protocols(service: ServiceModel): string {
  const http = `${service.scheme.toUpperCase()} :${service.port}`;
  return hasGrpc(service) ? `${http}, gRPC :${service.grpcPort ?? service.port}` : http;
}

function timeouts(service: ServiceModel): string {
  let line = `timeout ${formatDuration(service.policy.timeoutMs)}`;
  // The route timeout only differs when the mesh table sets its own `timeout_ms`.
  if (service.mesh.kind !== "none" && service.mesh.timeoutMs !== service.policy.timeoutMs) {
    line += ` (mesh ${formatDuration(service.mesh.timeoutMs)})`;
  }
  const own = [
    ...(service.openapi?.operations ?? []).map((op) => [op.name, op.timeoutMs] as const),
    ...(service.proto?.services ?? []).flatMap((s) => s.methods.map((m) => [m.name, m.override?.timeoutMs] as const)),
  ].flatMap(([name, ms]) => (ms === undefined ? [] : [`${name} ${formatDuration(ms)}`]));
  if (own.length === 0) return line;
  if (own.length <= NAMED_TIMEOUTS) return `${line}, ${own.join(", ")}`;
  return `${line}, ${own.length} operations with their own`;
}

/** Who retries is the mesh's rule (src/mesh/retries.ts): with retry_owner = "mesh" the client sends one try. */
function retries(service: ServiceModel): string {
  const byMesh = clientRetryDisabled(service.mesh);
  // The mesh counts retries after the first try; the client counts every try.
  const attempts = byMesh ? service.mesh.retries.attempts + 1 : service.policy.retry.maxAttempts;
  if (attempts <= 1) return "retries: none";
  return `retries: ${byMesh ? `mesh (${service.mesh.kind})` : "client"}, ${attempts} attempts`;
}

function balancer(service: ServiceModel): string {
  const { loadBalancer, hashHeader } = service.policy;
  return `balancer: ${loadBalancer}${loadBalancer === "consistent_hash" && hashHeader ? ` on ${hashHeader}` : ""}`;
}

function breaker(policy: CircuitBreakerPolicy): string {
  if (!policy.enabled) return "off";
  const open = `open ${formatDuration(policy.openMs)}`;
  if (policy.mode === "consecutive") return `${policy.failureThreshold} failures in a row, ${open}`;
  return `failure rate ${policy.failureRate} (min ${policy.minRequests} in ${formatDuration(policy.windowMs)}), ${open}`;
}

/** The kind and what it looks up: the Service name (and namespace), the headless name, or the endpoint count. */
function discovery(service: ServiceModel): string {
  const { discovery: d, mesh } = service;
  const namespace = mesh.kube?.namespace ?? service.namespace;
  const inNamespace = (name: string): string => (namespace ? `${name}.${namespace}` : name);
  switch (d.kind) {
    case "dns":
      return `dns ${mesh.kube ? inNamespace(mesh.kube.name) : service.host}`;
    case "headless":
      // The headless Service the client resolves (config derives `<host>-headless` when none is written).
      return d.headlessName === undefined ? "headless" : `headless ${inNamespace(d.headlessName)}`;
    case "static":
      return `static, ${d.endpoints.length} ${d.endpoints.length === 1 ? "endpoint" : "endpoints"}`;
  }
}
