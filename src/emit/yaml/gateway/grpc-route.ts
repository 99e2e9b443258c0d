// Gateway API GRPCRoute for per-method mesh policy on the grpc_port (Linkerd reads its retry/timeout annotations):
// methods are grouped by policy like the HTTPRoutes, plus a catch-all route that keeps the Service's policy.
import type { GrpcMethodRef, Model, ServiceModel } from "../../../model/types.js";
import { type MeshWithKube, type MetadataView, metadata, sourceOf } from "../common.js";
import type { Guard } from "../guard.js";
import type { Manifest } from "../render.js";

export interface GrpcRouteView {
  apiVersion: "gateway.networking.k8s.io/v1";
  kind: "GRPCRoute";
  metadata: MetadataView;
  spec: {
    parentRefs: Array<{ name: string; group: "core"; kind: "Service"; port: number }>;
    rules: Array<{
      /** Absent: every call (the catch-all route). */
      matches?: Array<{ method: { type: "Exact"; service: string; method?: string } }>;
      backendRefs: Array<{ name: string; port: number }>;
    }>;
  };
}

export interface GrpcRouteRequest {
  /** Name suffix, a DNS label (`<service>-<suffix>`). */
  suffix: string;
  /** Fully qualified service (`users.v1.Users`) and, optionally, one method of it; empty: a catch-all route. */
  methods: Array<{ service: string; method?: string }>;
  /** Route-level Linkerd annotations (`timeout.linkerd.io/*`, `retry.linkerd.io/grpc`, …). */
  annotations: Record<string, string>;
}

const PROTO_SERVICE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const PROTO_METHOD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MATCHES_PER_RULE = 8;

/** `/<package.Service>/<Method>`, the HTTP/2 path of a call, once both are checked to be protobuf names. */
export function grpcPath(m: GrpcMethodRef, guard: Guard): string {
  if (!PROTO_SERVICE.test(m.service) || !PROTO_METHOD.test(m.method)) {
    guard.fail(`gRPC method ${JSON.stringify(`${m.service}/${m.method}`)} is not a protobuf name`, m.location);
  }
  return `/${m.service}/${m.method}`;
}

export function grpcRouteManifest(
  model: Model,
  service: ServiceModel,
  mesh: MeshWithKube,
  request: GrpcRouteRequest,
  guard: Guard,
): Manifest | undefined {
  if (service.grpcPort === undefined) {
    guard.fail(`a GRPCRoute for ${service.key} needs grpc_port`, service.location);
    return undefined;
  }
  const port = service.grpcPort;
  const matches = request.methods.map(({ service: name, method }) => {
    if (!PROTO_SERVICE.test(name) || (method !== undefined && !PROTO_METHOD.test(method))) {
      guard.fail(`gRPC method ${JSON.stringify(`${name}/${method ?? ""}`)} is not a protobuf name`, service.location);
    }
    return { method: { type: "Exact" as const, service: name, ...(method !== undefined ? { method } : {}) } };
  });
  const backendRefs = [{ name: mesh.kube.name, port }];
  const rules: GrpcRouteView["spec"]["rules"] = matches.length === 0 ? [{ backendRefs }] : [];
  for (let i = 0; i < matches.length; i += MATCHES_PER_RULE) {
    rules.push({ matches: matches.slice(i, i + MATCHES_PER_RULE), backendRefs });
  }
  const view: GrpcRouteView = {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "GRPCRoute",
    metadata: metadata(`${mesh.kube.name}-${guard.dnsLabel(request.suffix, "route suffix", service.location)}`, mesh.kube, service, guard, {
      annotations: request.annotations,
    }),
    spec: { parentRefs: [{ name: mesh.kube.name, group: "core", kind: "Service", port }], rules },
  };
  return {
    path: `${mesh.kind}/${service.key}/grpc-route-${request.suffix}.yaml`,
    template: "gateway/grpc-route",
    view,
    source: sourceOf(model, service),
  };
}
