// Rules about who retries what, and how often.
import { meshFor } from "../emit/yaml/meshes/index.js";
import { MESH_GRPC_STATUSES } from "../mesh/index.js";
import { MAX_GRPC_ATTEMPTS } from "../runtime/vocabulary.js";
import type { Rule } from "./context.js";

/** SVC101: both layers retrying multiplies the requests one call can make. */
export const bothLayersRetry: Rule = ({ service, mesh, report }) => {
  const client = service.policy.retry.maxAttempts;
  const meshTries = mesh.kind === "none" ? 1 : mesh.retries.attempts + 1;
  if (client > 1 && meshTries > 1 && client * meshTries > 4) {
    report(
      "SVC101",
      `the client (${client} attempts) and the mesh (${meshTries} tries) both retry: up to ${client * meshTries} requests per call; let one layer retry (mesh.retry_owner)`,
      "mesh.retries",
      "retry.max_attempts",
      "mesh.retry_owner",
    );
  }
};

/**
 * SVC102: without operations, mesh retries cannot be kept off POST/PATCH. A service with gRPC methods is covered too:
 * its non-idempotent methods get routes without retries, and its HTTP port carries only the health probes.
 */
export const unsafeMeshRetries: Rule = ({ service, mesh, report }) => {
  const r = mesh.retries;
  if (mesh.kind === "none" || r.attempts === 0 || (r.on.statuses.length === 0 && !r.on.timeout)) return;
  if ((service.openapi?.operations.length ?? 0) > 0) return;
  if (service.proto?.services.some((s) => s.methods.length > 0) ?? false) return;
  report(
    "SVC102",
    "the mesh retries failed responses of every request, POST and PATCH included: without an OpenAPI spec svcgen cannot exempt the operations that are not idempotent",
    "mesh.retries",
    "mesh.retry_owner",
  );
};

/** SVC107: a budget written on one route; budgets are per service. */
export const routeRetryBudget: Rule = ({ mesh, reportAt }) => {
  mesh.routes.forEach((route, index) => {
    if (route.budgetRatio === undefined) return;
    reportAt(
      "SVC107",
      `mesh.routes[${index}] sets budget_ratio = ${route.budgetRatio}, but a retry budget covers the whole service; it is ignored (set retry.budget_ratio)`,
      route.location,
    );
  });
};

/** SVC108: gRPC clients cap maxAttempts at 5 without saying so. */
export const grpcAttempts: Rule = ({ service, report }) => {
  const attempts = service.policy.retry.maxAttempts;
  if ((service.grpcPort === undefined && service.proto === undefined) || attempts <= MAX_GRPC_ATTEMPTS) return;
  report(
    "SVC108",
    `gRPC caps retry attempts at ${MAX_GRPC_ATTEMPTS}; retry.max_attempts = ${attempts} is silently reduced to ${MAX_GRPC_ATTEMPTS}`,
    "retry.max_attempts",
    "retry",
  );
};

/** SVC112: the mesh owns retries; client-only retry keys have no effect. */
export const unusedClientRetry: Rule = ({ mesh, report }) => {
  if (mesh.clientOnlyRetryKeys.length === 0) return;
  const keys = mesh.clientOnlyRetryKeys;
  report(
    "SVC112",
    `mesh.retry_owner = "mesh", so the client does not retry and retry.${keys.join(", retry.")} ${keys.length === 1 ? "has" : "have"} no effect (the mesh paces its own retries)`,
    ...keys.map((k) => `retry.${k}`),
  );
};

/** SVC113: retries written for the mesh while the client owns retries. */
export const unwantedMeshRetry: Rule = ({ mesh, report }) => {
  if (mesh.kind === "none" || mesh.retryOwner !== "client" || !mesh.retries.explicit || mesh.retries.attempts === 0) return;
  report(
    "SVC113",
    `mesh.retries is set but mesh.retry_owner is "client": the mesh retries ${mesh.retries.attempts} more time(s) on top of the client`,
    "mesh.retries",
  );
};

/** SVC115: Istio and Linkerd retry only five gRPC statuses; with the mesh owning retries the others are retried by no one. */
export const meshGrpcStatuses: Rule = ({ service, mesh, report }) => {
  if (mesh.kind === "none" || mesh.retryOwner !== "mesh" || service.proto === undefined) return;
  const lost = service.proto.retryOn.filter((name) => !MESH_GRPC_STATUSES.has(name));
  if (lost.length === 0) return;
  report(
    "SVC115",
    `mesh.retry_owner = "mesh", but ${meshFor(mesh.kind)?.title ?? mesh.kind} cannot retry gRPC ${lost.join(", ")}: ` +
      `no layer retries ${lost.length === 1 ? "it" : "them"} (the mesh retries only ${[...MESH_GRPC_STATUSES.keys()].join(", ")})`,
    "retry.grpc_retry_on",
    "mesh.retry_owner",
  );
};
