import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { emitYaml } from "../../../src/emit/yaml/index.js";
import { Guard } from "../../../src/emit/yaml/guard.js";
import type { MeshWithKube } from "../../../src/emit/yaml/common.js";
import { pathMatch, pathRegex } from "../../../src/emit/yaml/paths.js";
import { renderManifest } from "../../../src/emit/yaml/render.js";
import { grpcRouteManifest } from "../../../src/emit/yaml/gateway/grpc-route.js";
import { istioRetryOn } from "../../../src/emit/yaml/meshes/istio/manifests.js";
import { statusList } from "../../../src/emit/yaml/meshes/linkerd/manifests.js";
import { formatDuration } from "../../../src/mesh/duration.js";
import type { ServiceModel } from "../../../src/model/types.js";
import { type DraftService, grpcMethod, grpcService, model, proto, resolved, service, withSpec } from "../../mesh/fixtures.js";
import { exampleModel } from "./example-model.js";
import { schemaErrors } from "./schemas.js";

type Json = any;

function docs(services: Array<DraftService | ServiceModel>): Record<string, Json> {
  return Object.fromEntries(emitYaml(model(services)).map((f) => [f.path, parse(f.content)]));
}

describe("conversions", () => {
  it.each([
    [10_000, "10s"],
    [1_500, "1500ms"],
    [120_000, "2m"],
    [3_600_000, "1h"],
    [90_000, "90s"],
    [1, "1ms"],
  ])("formatDuration(%d) = %s", (ms, want) => expect(formatDuration(ms)).toBe(want));

  it.each([
    [[502, 503, 504], "502-504"],
    [[429, 502, 503, 504], "429,502-504"],
    [[500], "500"],
    [[504, 500, 502], "500,502,504"],
  ])("statusList(%j) = %s", (statuses, want) => expect(statusList(statuses)).toBe(want));

  it.each([
    ["", "/users", { kind: "exact", value: "/users" }],
    ["/v1", "/users/{id}", { kind: "regex", value: "/v1/users/[^/]+" }],
    ["", "/files/{name}.json", { kind: "regex", value: "/files/[^/]+\\.json" }],
    ["", "/a+b/{x}/(c)", { kind: "regex", value: "/a\\+b/[^/]+/\\(c\\)" }],
  ])("pathMatch(%j, %j)", (base, path, want) => expect(pathMatch(base, path)).toEqual(want));

  it("pathRegex escapes literal paths", () => expect(pathRegex("", "/receipt.txt")).toBe("/receipt\\.txt"));

  it("istioRetryOn maps the client's conditions", () => {
    expect(istioRetryOn({ connect: true, timeout: true, statuses: [503], grpc: [] })).toBe("connect-failure,refused-stream,reset,503");
    expect(istioRetryOn({ connect: false, timeout: false, statuses: [429, 503], grpc: [] })).toBe("429,503");
    expect(istioRetryOn({ connect: true, timeout: false, statuses: [], grpc: ["resource-exhausted", "unavailable"] })).toBe(
      "connect-failure,refused-stream,resource-exhausted,unavailable",
    );
  });
});

describe("Kubernetes Services", () => {
  it("exposes the URL port and grpc_port with app protocols, and a headless Service for headless discovery", () => {
    const out = docs([
      service({ grpcPort: 8081, discovery: { kind: "headless", endpoints: [], dnsServers: [] } }),
    ]);
    const spec = { ports: out["k8s/users_service/service.yaml"].spec.ports, selector: out["k8s/users_service/service.yaml"].spec.selector };
    expect(spec).toEqual({
      ports: [
        { name: "http", port: 8080, targetPort: 8080, protocol: "TCP", appProtocol: "http" },
        { name: "grpc", port: 8081, targetPort: 8081, protocol: "TCP", appProtocol: "grpc" },
      ],
      selector: { app: "users-api" },
    });
    const headless = out["k8s/users_service/service-headless.yaml"];
    expect(headless.metadata.name).toBe("users-api-headless");
    expect(headless.spec.clusterIP).toBe("None");
    expect(headless.spec.type).toBeUndefined();
  });

  it("uses the https port name and app protocol for https URLs", () => {
    const out = docs([service({ scheme: "https", port: 8443 })]);
    expect(out["k8s/users_service/service.yaml"].spec.ports).toEqual([
      { name: "https", port: 8443, targetPort: 8443, protocol: "TCP", appProtocol: "https" },
    ]);
  });
});

describe("Istio", () => {
  it("with the client owning retries every route says attempts: 0", () => {
    const out = docs([withSpec(service({ mesh: { kind: "istio", retryOwner: "client", settings: {} } }))]);
    const http = out["istio/users_service/virtual-service.yaml"].spec.http as Json[];
    expect(http.map((h) => [h.name, h.timeout, h.retries])).toEqual([
      ["2s", "2s", { attempts: 0 }],
      ["default", "10s", { attempts: 0 }],
    ]);
  });

  it("with the mesh owning retries the numbers come from the client policy", () => {
    const out = docs([service({ mesh: { kind: "istio", retryOwner: "mesh", settings: {} } })]);
    expect(out["istio/users_service/virtual-service.yaml"].spec.http).toEqual([
      {
        name: "default",
        route: [{ destination: { host: "users-api.default.svc.cluster.local" } }],
        timeout: "10s",
        retries: { attempts: 2, perTryTimeout: "3300ms", retryOn: "connect-failure,refused-stream,reset,502,503,504" },
      },
    ]);
  });

  it("writes the seed's DestinationRule: consistent hashing on x-user-id and v1/v2 subsets", () => {
    const out = docs(exampleModel().services.filter((s) => s.key === "users_service"));
    const dr = out["istio/users_service/destination-rule.yaml"];
    expect(dr.spec.trafficPolicy.loadBalancer).toEqual({ consistentHash: { httpHeaderName: "x-user-id" } });
    expect(dr.spec.subsets).toEqual([
      { name: "v1", labels: { version: "v1" } },
      { name: "v2", labels: { version: "v2" } },
    ]);
    expect(dr.spec.trafficPolicy.outlierDetection).toEqual({
      consecutive5xxErrors: 5,
      interval: "10s",
      baseEjectionTime: "30s",
      maxEjectionPercent: 50,
      minHealthPercent: 50,
    });
    const vs = out["istio/users_service/virtual-service.yaml"];
    const plain = (vs.spec.http as Json[]).find((h) => h.name === "route-1");
    expect(plain.match).toEqual([{ name: "route-1", headers: { version: { exact: "v2" } } }]);
    expect(plain.route).toEqual([{ destination: { host: "users-api.default.svc.cluster.local", subset: "v2" } }]);
    const last = (vs.spec.http as Json[]).at(-1);
    expect([last.name, last.route.map((r: Json) => [r.destination.subset, r.weight])]).toEqual(["default", [["v1", 90], ["v2", 10]]]);
  });

  it("routes a gRPC method whose policy differs by its path, and retries the gRPC statuses on the default route", () => {
    const out = Object.fromEntries(emitYaml(exampleModel()).map((f) => [f.path, parse(f.content)]));
    const http = out["istio/users_service/virtual-service.yaml"].spec.http as Array<{ name: string; match?: Array<{ uri?: unknown }>; retries: { retryOn?: string } }>;
    const connectOnly = http.find((r) => r.name === "connect-retry")!;
    expect(connectOnly.match!.map((m) => m.uri)).toEqual([{ exact: "/users" }, { exact: "/users.v1.Users/Lookup" }]);
    expect(connectOnly.retries.retryOn).toBe("connect-failure,refused-stream");
    expect(http.find((r) => r.name === "default")!.retries.retryOn).toBe("connect-failure,refused-stream,reset,502,503,504,unavailable");
  });

  it("limits the caller's egress to its dependencies with a Sidecar", () => {
    const out = Object.fromEntries(emitYaml(exampleModel()).map((f) => [f.path, parse(f.content)]));
    expect(out["istio/sidecar.yaml"].spec).toEqual({
      workloadSelector: { labels: { app: "order-api" } },
      egress: [
        {
          hosts: [
            "*/api.stripe.com",
            "default/auth-api.default.svc.cluster.local",
            "default/ledger-api.default.svc.cluster.local",
            "default/payments-api.default.svc.cluster.local",
            "default/users-api.default.svc.cluster.local",
            "search/search-api.search.svc.cluster.local",
            "shop/orders-api.shop.svc.cluster.local",
          ],
        },
      ],
      outboundTrafficPolicy: { mode: "REGISTRY_ONLY" },
    });
  });
});

describe("Linkerd", () => {
  it("annotates the Service with retries, timeouts and failure accrual", () => {
    const out = docs([service({ mesh: { kind: "linkerd", retryOwner: "mesh", settings: {} } })]);
    expect(out["k8s/users_service/service.yaml"].metadata.annotations).toEqual({
      "balancer.linkerd.io/failure-accrual": "consecutive",
      "balancer.linkerd.io/failure-accrual-consecutive-max-failures": "5",
      "balancer.linkerd.io/failure-accrual-consecutive-max-penalty": "30s",
      "balancer.linkerd.io/failure-accrual-consecutive-min-penalty": "30s",
      "retry.linkerd.io/http": "502-504",
      "retry.linkerd.io/limit": "2",
      "retry.linkerd.io/timeout": "3333ms",
      "timeout.linkerd.io/request": "10s",
    });
  });

  it("gRPC methods whose policy differs get GRPCRoutes on grpc_port, the rest a catch-all; the Service retries gRPC statuses", () => {
    const out = Object.fromEntries(emitYaml(exampleModel()).map((f) => [f.path, parse(f.content)]));
    expect(out["k8s/ledger_service/service.yaml"].metadata.annotations["retry.linkerd.io/grpc"]).toBe("unavailable");
    expect(Object.keys(out).filter((p) => p.startsWith("linkerd/ledger_service/"))).toEqual([
      "linkerd/ledger_service/grpc-route-grpc-30s.yaml",
      "linkerd/ledger_service/grpc-route-grpc-default.yaml",
      "linkerd/ledger_service/grpc-route-grpc-no-retry.yaml",
    ]);
    const parentRefs = [{ name: "ledger-api", group: "core", kind: "Service", port: 9090 }];
    const backendRefs = [{ name: "ledger-api", port: 9090 }];
    const noRetry = out["linkerd/ledger_service/grpc-route-grpc-no-retry.yaml"];
    // PostEntry is not idempotent: a route annotation replaces all of the Service's, and a limit of 0 stops retries.
    expect(noRetry.metadata.annotations).toEqual({ "retry.linkerd.io/limit": "0" });
    expect(noRetry.spec).toEqual({
      parentRefs,
      rules: [{ matches: [{ method: { type: "Exact", service: "ledger.v1.Ledger", method: "PostEntry" } }], backendRefs }],
    });
    const slow = out["linkerd/ledger_service/grpc-route-grpc-30s.yaml"];
    expect(slow.metadata.annotations["timeout.linkerd.io/request"]).toBe("30s");
    expect(slow.metadata.annotations["retry.linkerd.io/grpc"]).toBe("unavailable");
    expect(slow.metadata.annotations["retry.linkerd.io/http"]).toBeUndefined();
    expect(slow.spec.rules[0].matches).toEqual([{ method: { type: "Exact", service: "ledger.v1.Ledger", method: "Export" } }]);
    const rest = out["linkerd/ledger_service/grpc-route-grpc-default.yaml"];
    expect(rest.metadata.annotations).toBeUndefined();
    expect(rest.spec).toEqual({ parentRefs, rules: [{ backendRefs }] });
  });

  it("writes no GRPCRoute while the client owns retries and no method has its own timeout", () => {
    const grpc = proto(["UNAVAILABLE"], [grpcService("ledger.v1.Ledger", [grpcMethod("GetEntry", true), grpcMethod("PostEntry", false)])]);
    const out = docs([service({ grpcPort: 9090, proto: grpc, mesh: { kind: "linkerd", retryOwner: "client", settings: {} } })]);
    expect(Object.keys(out).filter((p) => p.startsWith("linkerd/"))).toEqual([]);
    expect(out["k8s/users_service/service.yaml"].metadata.annotations["retry.linkerd.io/grpc"]).toBeUndefined();
  });

  it("with the client owning retries the Service gets no retry annotations", () => {
    const out = docs([service({ mesh: { kind: "linkerd", retryOwner: "client", settings: { failure_accrual: false } } })]);
    expect(out["k8s/users_service/service.yaml"].metadata.annotations).toEqual({ "timeout.linkerd.io/request": "10s" });
  });

  it("writes HTTPRoutes only where an operation's policy differs, plus a catch-all", () => {
    const out = docs([withSpec(service({ mesh: { kind: "linkerd", retryOwner: "mesh", settings: {} } }))]);
    const routes = Object.keys(out).filter((p) => p.includes("http-route"));
    expect(routes).toEqual([
      "linkerd/users_service/http-route-2s-no-retry.yaml",
      "linkerd/users_service/http-route-default.yaml",
      "linkerd/users_service/http-route-no-retry.yaml",
    ]);
    const noRetry = out["linkerd/users_service/http-route-no-retry.yaml"];
    expect(noRetry.metadata.annotations).toEqual({ "retry.linkerd.io/limit": "0" });
    expect(noRetry.spec.rules).toEqual([
      { matches: [{ path: { type: "Exact", value: "/users" }, method: "POST" }], backendRefs: [{ name: "users-api", port: 8080 }] },
    ]);
    expect(out["linkerd/users_service/http-route-2s-no-retry.yaml"].metadata.annotations).toEqual({
      "retry.linkerd.io/limit": "0",
      "timeout.linkerd.io/request": "2s",
    });
  });

  it("splits more than 8 operations of one policy over several rules", () => {
    const ops = Array.from({ length: 10 }, (_, i) => ({
      name: `op${String(i).padStart(2, "0")}`,
      method: "post" as const,
      path: `/things/${i}`,
    }));
    const s = withSpec(
      service({ mesh: { kind: "linkerd", retryOwner: "mesh", settings: {} } }),
      ops.map((o) => ({ ...withSpec(service()).openapi!.operations[0]!, ...o, operationId: o.name })),
    );
    const route = docs([s])["linkerd/users_service/http-route-no-retry.yaml"];
    expect(route.spec.rules.map((r: Json) => r.matches.length)).toEqual([8, 2]);
    expect(schemaErrors("policy.linkerd.io/v1beta3/HTTPRoute", route)).toEqual([]);
  });

  it("a ServiceProfile routes each gRPC method, retrying only those the mesh retries gRPC statuses for", () => {
    const grpc = proto(["UNAVAILABLE"], [grpcService("ledger.v1.Ledger", [grpcMethod("GetEntry", true), grpcMethod("PostEntry", false), grpcMethod("Export", true, 30_000)])]);
    const s = service({ grpcPort: 9090, proto: grpc, mesh: { kind: "linkerd", retryOwner: "mesh", settings: { serviceprofile: true } } });
    const profile = docs([s])["linkerd/users_service/service-profile.yaml"];
    expect(profile.spec.routes).toEqual([
      { name: "POST /ledger.v1.Ledger/GetEntry", condition: { method: "POST", pathRegex: "/ledger\\.v1\\.Ledger/GetEntry" }, isRetryable: true, timeout: "10s" },
      { name: "POST /ledger.v1.Ledger/PostEntry", condition: { method: "POST", pathRegex: "/ledger\\.v1\\.Ledger/PostEntry" }, isRetryable: false, timeout: "10s" },
      { name: "POST /ledger.v1.Ledger/Export", condition: { method: "POST", pathRegex: "/ledger\\.v1\\.Ledger/Export" }, isRetryable: true, timeout: "30s" },
      // Without OpenAPI operations, HTTP calls keep a catch-all after the gRPC routes.
      { name: "all requests", condition: { pathRegex: "/.*" }, isRetryable: true, timeout: "10s" },
    ]);
    expect(schemaErrors("linkerd.io/v1alpha2/ServiceProfile", profile)).toEqual([]);
  });

  it("without a spec the ServiceProfile has one catch-all route", () => {
    const out = docs([service({ basePath: "/api", mesh: { kind: "linkerd", retryOwner: "mesh", settings: { serviceprofile: true } } })]);
    expect(out["linkerd/users_service/service-profile.yaml"].spec.routes).toEqual([
      { name: "all requests", condition: { pathRegex: "/api/.*" }, isRetryable: true, timeout: "10s" },
    ]);
  });
});

describe("GRPCRoute (seam for the gRPC issue)", () => {
  it("renders a Gateway API GRPCRoute that validates and parses back to its view", () => {
    const s = resolved(service({ grpcPort: 8081, mesh: { kind: "linkerd", retryOwner: "mesh", settings: {} } }));
    const mesh = s.mesh as MeshWithKube;
    const guard = new Guard();
    const manifest = grpcRouteManifest(
      model([s]),
      s,
      mesh,
      {
        suffix: "lookups",
        methods: [{ service: "users.v1.Users", method: "GetUser" }, { service: "users.v1.Lookup" }],
        annotations: { "retry.linkerd.io/grpc": "unavailable", "timeout.linkerd.io/request": "2s" },
      },
      guard,
    )!;
    expect(guard.diagnostics).toEqual([]);
    const file = renderManifest(manifest);
    expect(file.path).toBe("linkerd/users_service/grpc-route-lookups.yaml");
    const doc = parse(file.content);
    expect(doc).toEqual(manifest.view);
    expect(schemaErrors("gateway.networking.k8s.io/v1/GRPCRoute", doc)).toEqual([]);
    expect(doc.spec.parentRefs).toEqual([{ name: "users-api", group: "core", kind: "Service", port: 8081 }]);
  });

  it("rejects names that are not protobuf names", () => {
    const s = resolved(service({ grpcPort: 8081, mesh: { kind: "linkerd", retryOwner: "mesh", settings: {} } }));
    const mesh = s.mesh as MeshWithKube;
    const guard = new Guard();
    grpcRouteManifest(model([s]), s, mesh, { suffix: "x", methods: [{ service: "a.b\nc: d" }], annotations: {} }, guard);
    expect(guard.diagnostics.map((d) => d.message)).toEqual(['gRPC method "a.b\\nc: d/" is not a protobuf name']);
  });
});
