// Istio networking.istio.io/v1: a VirtualService (header routes to subsets, per-operation timeouts and retries) and a
// DestinationRule (load balancer, outlier detection from the breaker, connection pool, subsets) per callee.
import { formatDuration } from "../../../../mesh/duration.js";
import type { HeaderMatch, MeshRoute, Model, PolicyGroup, RetryConditions, RoutePolicy, ServiceModel } from "../../../../model/types.js";
import { grpcPath } from "../../gateway/grpc-route.js";
import { type MeshWithKube, type MetadataView, clusterHost, metadata, operationsNamed, sourceOf } from "../../common.js";
import type { Guard } from "../../guard.js";
import { pathMatch, upperMethod } from "../../paths.js";
import type { Manifest } from "../../render.js";

export type StringMatchView = { exact: string } | { prefix: string } | { regex: string };

export interface HttpMatchView {
  name: string;
  uri?: StringMatchView;
  method?: { exact: string };
  headers?: Record<string, StringMatchView>;
}

export interface HttpRouteView {
  name: string;
  match?: HttpMatchView[];
  route: Array<{ destination: { host: string; subset?: string }; weight?: number }>;
  timeout: string;
  retries: { attempts: number; perTryTimeout?: string; retryOn?: string };
}

export interface VirtualServiceView {
  apiVersion: "networking.istio.io/v1";
  kind: "VirtualService";
  metadata: MetadataView;
  spec: { hosts: string[]; http: HttpRouteView[] };
}

export interface DestinationRuleView {
  apiVersion: "networking.istio.io/v1";
  kind: "DestinationRule";
  metadata: MetadataView;
  spec: {
    host: string;
    trafficPolicy?: {
      loadBalancer?: { simple: string } | { consistentHash: { httpHeaderName: string } };
      connectionPool?: {
        tcp: { maxConnections?: number; connectTimeout: string };
        http?: {
          http1MaxPendingRequests?: number;
          http2MaxRequests?: number;
          maxRequestsPerConnection?: number;
          maxRetries?: number;
          idleTimeout?: string;
        };
      };
      outlierDetection?: {
        consecutive5xxErrors: number;
        interval: string;
        baseEjectionTime: string;
        maxEjectionPercent?: number;
        minHealthPercent?: number;
      };
    };
    subsets?: Array<{ name: string; labels: Record<string, string> }>;
  };
}

export function istioManifests(model: Model, service: ServiceModel, mesh: MeshWithKube, guard: Guard): Manifest[] {
  const source = sourceOf(model, service);
  const dir = `istio/${service.key}`;
  return [
    { path: `${dir}/virtual-service.yaml`, template: "istio/virtual-service", view: virtualService(service, mesh, guard), source },
    { path: `${dir}/destination-rule.yaml`, template: "istio/destination-rule", view: destinationRule(service, mesh, guard), source },
  ];
}

/** Istio `retryOn` from the client's conditions: connection failures, per-try timeouts (`reset`), statuses, gRPC statuses. */
export function istioRetryOn(on: RetryConditions): string {
  const parts: string[] = [];
  if (on.connect) parts.push("connect-failure", "refused-stream");
  if (on.timeout) parts.push("reset");
  for (const status of on.statuses) parts.push(String(status));
  parts.push(...on.grpc);
  return parts.join(",");
}

function retriesView(policy: RoutePolicy): HttpRouteView["retries"] {
  const r = policy.retries;
  // Istio retries twice by default: `attempts: 0` is how a route says "the client retries, not the mesh".
  if (r.attempts === 0) return { attempts: 0 };
  return {
    attempts: r.attempts,
    ...(r.perTryTimeoutMs !== undefined ? { perTryTimeout: formatDuration(r.perTryTimeoutMs) } : {}),
    retryOn: istioRetryOn(r.on),
  };
}

export function virtualService(service: ServiceModel, mesh: MeshWithKube, guard: Guard): VirtualServiceView {
  const host = clusterHost(mesh.kube);
  const policies = mesh.policies;
  const headerRoutes = mesh.routes.filter((r) => r.headers.length > 0);
  const fallback = mesh.routes.find((r) => r.headers.length === 0);
  const http: HttpRouteView[] = [];
  const entry = (name: string, match: HttpMatchView[] | undefined, route: MeshRoute | undefined, policy: RoutePolicy): void => {
    http.push({
      name,
      ...(match ? { match } : {}),
      route: destinations(host, route, guard),
      timeout: formatDuration(policy.timeoutMs),
      retries: retriesView(policy),
    });
  };
  // Istio takes the first matching entry: header routes (each split by operation policy) before the operations'
  // own entries, the catch-all last.
  headerRoutes.forEach((route, index) => {
    const name = `route-${index + 1}`;
    const headers = headerView(route.headers, guard, route);
    for (const group of policies.groups) {
      entry(`${name}-${group.label}`, operationMatches(service, group, guard, headers), route, group.policy);
    }
    entry(name, [{ name, headers }], route, policies.defaults);
  });
  for (const group of policies.groups) entry(group.label, operationMatches(service, group, guard), fallback, group.policy);
  entry("default", undefined, fallback, policies.defaults);
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "VirtualService",
    metadata: metadata(mesh.kube.name, mesh.kube, service, guard),
    spec: { hosts: [host], http },
  };
}

function destinations(host: string, route: MeshRoute | undefined, guard: Guard): HttpRouteView["route"] {
  if (!route) return [{ destination: { host } }];
  return route.destinations.map((d) => ({
    destination: { host, subset: guard.dnsLabel(d.subset, "subset", route.location) },
    ...(d.weight !== undefined ? { weight: d.weight } : {}),
  }));
}

function stringMatch(kind: HeaderMatch["kind"], value: string): StringMatchView {
  return kind === "exact" ? { exact: value } : kind === "prefix" ? { prefix: value } : { regex: value };
}

function headerView(headers: readonly HeaderMatch[], guard: Guard, route: MeshRoute): Record<string, StringMatchView> {
  const out: Record<string, StringMatchView> = {};
  for (const h of [...headers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    out[guard.headerName(h.name, route.location)] = stringMatch(h.kind, guard.text(h.value, `header ${h.name} value`, route.location));
  }
  return out;
}

function operationMatches(
  service: ServiceModel,
  group: PolicyGroup,
  guard: Guard,
  headers?: Record<string, StringMatchView>,
): HttpMatchView[] {
  const http = operationsNamed(service, group.operations).map((op) => {
    guard.path(op.path, `path of operation ${op.name}`, op.location);
    const match = pathMatch(service.basePath, op.path);
    return {
      name: guard.text(op.name, "operation name", op.location),
      uri: match.kind === "exact" ? { exact: match.value } : { regex: match.value },
      method: { exact: upperMethod(op) },
      ...(headers ? { headers } : {}),
    };
  });
  // A gRPC call is a POST to /<package.Service>/<Method> (on any port of the host, so the same VirtualService).
  const grpc = group.grpcMethods.map((m) => {
    const path = grpcPath(m, guard);
    return { name: path.slice(1), uri: { exact: path }, method: { exact: "POST" }, ...(headers ? { headers } : {}) };
  });
  return [...http, ...grpc];
}

export function destinationRule(service: ServiceModel, mesh: MeshWithKube, guard: Guard): DestinationRuleView {
  const trafficPolicy: NonNullable<DestinationRuleView["spec"]["trafficPolicy"]> = {};
  const lb = mesh.loadBalancer;
  if (lb?.kind === "simple") trafficPolicy.loadBalancer = { simple: lb.simple };
  if (lb?.kind === "hash") {
    trafficPolicy.loadBalancer = { consistentHash: { httpHeaderName: guard.headerName(lb.header, service.location) } };
  }
  const pool = mesh.connectionPool;
  if (pool) {
    const http: NonNullable<NonNullable<typeof trafficPolicy.connectionPool>["http"]> = {};
    if (pool.http1MaxPendingRequests !== undefined) http.http1MaxPendingRequests = pool.http1MaxPendingRequests;
    if (pool.http2MaxRequests !== undefined) http.http2MaxRequests = pool.http2MaxRequests;
    if (pool.maxRequestsPerConnection !== undefined) http.maxRequestsPerConnection = pool.maxRequestsPerConnection;
    if (pool.maxRetries !== undefined) http.maxRetries = pool.maxRetries;
    if (pool.idleTimeoutMs !== undefined) http.idleTimeout = formatDuration(pool.idleTimeoutMs);
    trafficPolicy.connectionPool = {
      tcp: {
        ...(pool.maxConnections !== undefined ? { maxConnections: pool.maxConnections } : {}),
        connectTimeout: formatDuration(pool.connectTimeoutMs),
      },
      ...(Object.keys(http).length > 0 ? { http } : {}),
    };
  }
  const od = mesh.outlierDetection;
  if (od) {
    trafficPolicy.outlierDetection = {
      consecutive5xxErrors: od.consecutive5xxErrors,
      interval: formatDuration(od.intervalMs),
      baseEjectionTime: formatDuration(od.baseEjectionMs),
      ...(od.maxEjectionPercent !== undefined ? { maxEjectionPercent: od.maxEjectionPercent } : {}),
      ...(od.minHealthPercent !== undefined ? { minHealthPercent: od.minHealthPercent } : {}),
    };
  }
  const subsets = mesh.subsets.map((s) => ({
    name: guard.dnsLabel(s.name, "subset", s.location),
    labels: guard.labels(s.labels, "subset label", s.location),
  }));
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "DestinationRule",
    metadata: metadata(mesh.kube.name, mesh.kube, service, guard),
    spec: {
      host: clusterHost(mesh.kube),
      ...(Object.keys(trafficPolicy).length > 0 ? { trafficPolicy } : {}),
      ...(subsets.length > 0 ? { subsets } : {}),
    },
  };
}

