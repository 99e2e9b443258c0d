// Linkerd 2.16+: retry/timeout/failure-accrual annotations on the Service, one policy.linkerd.io HTTPRoute per
// distinct per-operation policy (plus a catch-all, since attaching any route makes unmatched requests 404), and —
// when asked for — the legacy ServiceProfile with one route per operation, like `linkerd profile --open-api`.
import { formatDuration } from "../../../../mesh/duration.js";
import type { Model, RoutePolicy, ServiceModel } from "../../../../model/types.js";
import { type MeshWithKube, type MetadataView, clusterHost, metadata, operationsNamed, sourceOf } from "../../common.js";
import type { Guard } from "../../guard.js";
import { pathMatch, pathRegex, upperMethod } from "../../paths.js";
import type { Manifest } from "../../render.js";
import { grpcPath, grpcRouteManifest } from "../../gateway/grpc-route.js";

export interface LinkerdHttpRouteView {
  apiVersion: "policy.linkerd.io/v1beta3";
  kind: "HTTPRoute";
  metadata: MetadataView;
  spec: {
    parentRefs: Array<{ name: string; group: "core"; kind: "Service"; port: number }>;
    rules: Array<{
      matches: Array<{ path: { type: "Exact" | "PathPrefix" | "RegularExpression"; value: string }; method?: string }>;
      backendRefs: Array<{ name: string; port: number }>;
    }>;
  };
}

export interface ServiceProfileView {
  apiVersion: "linkerd.io/v1alpha2";
  kind: "ServiceProfile";
  metadata: MetadataView;
  spec: {
    routes: Array<{
      name: string;
      condition: { method?: string; pathRegex: string };
      isRetryable: boolean;
      timeout: string;
      responseClasses?: Array<{ condition: { status: { min: number; max: number } }; isFailure: true }>;
    }>;
    retryBudget: { retryRatio: number; minRetriesPerSecond: number; ttl: string };
  };
}

/** Gateway API allows at most 8 matches per rule. */
const MATCHES_PER_RULE = 8;

/** `[429, 502, 503, 504]` → `429,502-504` (retry.linkerd.io/http's list of codes and ranges). */
export function statusList(statuses: readonly number[]): string {
  const parts: string[] = [];
  let start: number | undefined;
  let prev: number | undefined;
  const flush = (): void => {
    if (start === undefined || prev === undefined) return;
    parts.push(start === prev ? String(start) : `${start}-${prev}`);
  };
  for (const status of [...statuses].sort((a, b) => a - b)) {
    if (prev !== undefined && status === prev + 1) {
      prev = status;
      continue;
    }
    flush();
    start = status;
    prev = status;
  }
  flush();
  return parts.join(",");
}

/**
 * Linkerd retries responses by status and (since 2.16) tries that exceed the retry timeout; nothing else.
 * `retry.linkerd.io/grpc` is valid on the Service and GRPCRoutes, `retry.linkerd.io/http` on the Service and HTTPRoutes.
 */
function retries(policy: RoutePolicy, on: "service" | "http-route" | "grpc-route"): Record<string, string> {
  const r = policy.retries;
  const byStatus = on !== "grpc-route" && r.on.statuses.length > 0;
  const byTimeout = r.on.timeout && r.perTryTimeoutMs !== undefined;
  const byGrpc = on !== "http-route" && r.on.grpc.length > 0;
  if (r.attempts === 0 || (!byStatus && !byTimeout && !byGrpc)) return {};
  return {
    "retry.linkerd.io/limit": String(r.attempts),
    ...(byStatus ? { "retry.linkerd.io/http": statusList(r.on.statuses) } : {}),
    ...(byGrpc ? { "retry.linkerd.io/grpc": r.on.grpc.join(",") } : {}),
    ...(byTimeout ? { "retry.linkerd.io/timeout": formatDuration(r.perTryTimeoutMs!) } : {}),
  };
}

export function linkerdServiceAnnotations(service: ServiceModel, mesh: MeshWithKube): Record<string, string> {
  const { defaults } = mesh.policies;
  const out: Record<string, string> = {
    "timeout.linkerd.io/request": formatDuration(defaults.timeoutMs),
    ...retries(defaults, "service"),
  };
  const fa = mesh.failureAccrual;
  if (fa) {
    const prefix = "balancer.linkerd.io/failure-accrual";
    out[prefix] = "consecutive";
    out[`${prefix}-consecutive-max-failures`] = String(fa.maxFailures);
    out[`${prefix}-consecutive-min-penalty`] = formatDuration(fa.minPenaltyMs);
    out[`${prefix}-consecutive-max-penalty`] = formatDuration(fa.maxPenaltyMs);
    if (fa.jitterRatio !== undefined) out[`${prefix}-consecutive-jitter-ratio`] = String(fa.jitterRatio);
  }
  return out;
}

export function linkerdManifests(model: Model, service: ServiceModel, mesh: MeshWithKube, guard: Guard): Manifest[] {
  const source = sourceOf(model, service);
  const dir = `linkerd/${service.key}`;
  const manifests: Manifest[] = httpRoutes(service, mesh, guard).map(({ suffix, view }) => ({
    path: `${dir}/http-route-${suffix}.yaml`,
    template: "linkerd/http-route",
    view,
    source,
  }));
  manifests.push(...grpcRoutes(model, service, mesh, guard));
  if (mesh.serviceProfile && mesh.kube.namespace !== undefined) {
    manifests.push({ path: `${dir}/service-profile.yaml`, template: "linkerd/service-profile", view: serviceProfile(service, mesh, guard), source });
  }
  return manifests;
}

function httpRoutes(service: ServiceModel, mesh: MeshWithKube, guard: Guard): Array<{ suffix: string; view: LinkerdHttpRouteView }> {
  const policies = mesh.policies;
  const groups = policies.groups.filter((g) => g.operations.length > 0);
  if (groups.length === 0) return [];
  const { kube } = mesh;
  const parentRefs: LinkerdHttpRouteView["spec"]["parentRefs"] = [
    { name: kube.name, group: "core", kind: "Service", port: service.port },
  ];
  const backendRefs = [{ name: kube.name, port: service.port }];
  const route = (suffix: string, annotations: Record<string, string>, rules: LinkerdHttpRouteView["spec"]["rules"]) => ({
    suffix,
    view: {
      apiVersion: "policy.linkerd.io/v1beta3" as const,
      kind: "HTTPRoute" as const,
      metadata: metadata(`${kube.name}-${suffix}`, kube, service, guard, { annotations }),
      spec: { parentRefs, rules },
    },
  });
  const out = groups.map((group) => {
    const annotations = routeAnnotations(group.policy, policies.defaults, "http-route");
    const matches = operationsNamed(service, group.operations).map((op) => {
      guard.path(op.path, `path of operation ${op.name}`, op.location);
      const match = pathMatch(service.basePath, op.path);
      return {
        path: { type: match.kind === "exact" ? ("Exact" as const) : ("RegularExpression" as const), value: match.value },
        method: upperMethod(op),
      };
    });
    const rules: LinkerdHttpRouteView["spec"]["rules"] = [];
    for (let i = 0; i < matches.length; i += MATCHES_PER_RULE) {
      rules.push({ matches: matches.slice(i, i + MATCHES_PER_RULE), backendRefs });
    }
    return route(group.label, annotations, rules);
  });
  // Everything else keeps the Service's annotations.
  out.push(route("default", {}, [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs }]));
  return out;
}

/** Route annotations for a group whose policy differs from the Service's: only what differs, as for HTTPRoutes. */
function routeAnnotations(policy: RoutePolicy, defaults: RoutePolicy, on: "http-route" | "grpc-route"): Record<string, string> {
  const annotations: Record<string, string> = {};
  if (policy.timeoutMs !== defaults.timeoutMs) annotations["timeout.linkerd.io/request"] = formatDuration(policy.timeoutMs);
  if (JSON.stringify(policy.retries) !== JSON.stringify(defaults.retries)) {
    // Any retry annotation on a route replaces all of the Service's; a limit of 0 switches retries off.
    const own = retries(policy, on);
    Object.assign(annotations, Object.keys(own).length > 0 ? own : { "retry.linkerd.io/limit": "0" });
  }
  return annotations;
}

/** GRPCRoutes on grpc_port for methods whose policy differs (timeout_ms overrides, no retries when not idempotent). */
function grpcRoutes(model: Model, service: ServiceModel, mesh: MeshWithKube, guard: Guard): Manifest[] {
  const policies = mesh.policies;
  const groups = policies.groups.filter((g) => g.grpcMethods.length > 0);
  if (groups.length === 0) return [];
  const out: Manifest[] = [];
  for (const group of groups) {
    const methods = group.grpcMethods.map((m) => ({ service: m.service, method: m.method }));
    const manifest = grpcRouteManifest(model, service, mesh, { suffix: `grpc-${group.label}`, methods, annotations: routeAnnotations(group.policy, policies.defaults, "grpc-route") }, guard);
    if (manifest) out.push(manifest);
  }
  // Once a route is attached to the port, calls no route matches would fail: every other method keeps the Service's policy.
  const rest = grpcRouteManifest(model, service, mesh, { suffix: "grpc-default", methods: [], annotations: {} }, guard);
  if (rest) out.push(rest);
  return out;
}

function serviceProfile(service: ServiceModel, mesh: MeshWithKube, guard: Guard): ServiceProfileView {
  const policies = mesh.policies;
  const route = (name: string, condition: { method?: string; pathRegex: string }, policy: RoutePolicy) => {
    const r = policy.retries;
    const retryable = r.attempts > 0 && (r.on.statuses.length > 0 || r.on.timeout);
    // Linkerd counts 5xx as failures by default; other retried statuses must be declared to be retried.
    const extra = retryable ? r.on.statuses.filter((s) => s < 500) : [];
    return {
      name: guard.text(name, "ServiceProfile route name", service.location),
      condition,
      isRetryable: retryable,
      timeout: formatDuration(policy.timeoutMs),
      ...(extra.length > 0
        ? { responseClasses: extra.map((s) => ({ condition: { status: { min: s, max: s } }, isFailure: true as const })) }
        : {}),
    };
  };
  const named = operationsNamed(service, policies.operations.map((o) => o.operation));
  const operations = policies.operations.map(({ policy }, index) => {
    const operation = named[index]!;
    guard.path(operation.path, `path of operation ${operation.name}`, operation.location);
    const method = upperMethod(operation);
    const full = `${service.basePath}${operation.path}`;
    return {
      literal: pathMatch(service.basePath, operation.path).kind === "exact",
      view: route(`${method} ${full}`, { method, pathRegex: pathRegex(service.basePath, operation.path) }, policy),
    };
  });
  // gRPC methods (`linkerd profile --proto` style): a failed call is any non-OK grpc-status, so a route retries only
  // when the mesh retries gRPC statuses for it (idempotent methods while the mesh owns retries).
  const grpc = policies.grpcMethods.map(({ method, policy }) => {
    const path = grpcPath(method, guard);
    const r = policy.retries;
    return {
      name: guard.text(`POST ${path}`, "ServiceProfile route name", method.location),
      condition: { method: "POST", pathRegex: pathRegex("", path) },
      isRetryable: r.attempts > 0 && r.on.grpc.length > 0,
      timeout: formatDuration(policy.timeoutMs),
    };
  });
  // Linkerd takes the first matching route: literal paths before templated ones (`/users/me` before `/users/{id}`).
  const routes = [
    ...operations.filter((o) => o.literal).map((o) => o.view),
    ...grpc,
    ...operations.filter((o) => !o.literal).map((o) => o.view),
  ];
  if (operations.length === 0) {
    routes.push(route("all requests", { pathRegex: `${pathRegex(service.basePath, "/")}.*` }, policies.defaults));
  }
  const budget = mesh.retryBudget;
  return {
    apiVersion: "linkerd.io/v1alpha2",
    kind: "ServiceProfile",
    metadata: metadata(clusterHost(mesh.kube), mesh.kube, service, guard),
    spec: {
      routes,
      retryBudget: { retryRatio: budget.ratio, minRetriesPerSecond: budget.minRetriesPerSecond, ttl: formatDuration(budget.ttlMs) },
    },
  };
}
