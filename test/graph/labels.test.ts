// Each fact on a caller → service edge, read from the resolved model of a small services.toml.
import { describe, expect, it } from "vitest";
import { graphOf } from "../../src/graph/model.js";
import type { ServiceModel } from "../../src/model/types.js";
import { grpcMethod, grpcService, operation, proto, withSpec } from "../mesh/fixtures.js";
import { oneService } from "./fixtures.js";

function edge(keys: string, tables = ""): string[] {
  const graph = graphOf(oneService(keys, tables));
  expect(graph.edges).toHaveLength(1);
  return graph.edges[0]!.lines;
}

describe("edge labels", () => {
  it("defaults: HTTP port, timeout, client retries, balancer, breaker, dns discovery, no mesh", () => {
    expect(edge("")).toEqual([
      "HTTP :8080",
      "timeout 10s",
      "retries: client, 3 attempts",
      "balancer: round_robin",
      "breaker: 5 failures in a row, open 30s",
      "discovery: dns users-api",
      "mesh: none",
    ]);
  });

  const cases: Array<[string, { keys: string; tables?: string; line: number; want: string }]> = [
    ["https and its port", { keys: `url = "https://users-api.prod:8443/v1"`, line: 0, want: "HTTPS :8443" }],
    ["service timeout", { keys: "timeout_ms = 2500", line: 1, want: "timeout 2500ms" }],
    [
      "mesh route timeout of its own",
      { keys: "timeout_ms = 10000", tables: `[external_services.users_service.mesh]\nkind = "istio"\ntimeout_ms = 5000`, line: 1, want: "timeout 10s (mesh 5s)" },
    ],
    ["client retries off", { keys: "", tables: "[external_services.users_service.retry]\nmax_attempts = 1", line: 2, want: "retries: none" }],
    [
      "the mesh owns retries: the client sends one try, Istio the rest",
      {
        keys: "",
        tables: `[external_services.users_service.retry]\nmax_attempts = 4\n[external_services.users_service.mesh]\nkind = "istio"\nretry_owner = "mesh"`,
        line: 2,
        want: "retries: mesh (istio), 4 attempts",
      },
    ],
    [
      "Linkerd with its own retry count",
      {
        keys: "",
        tables: `[external_services.users_service.mesh]\nkind = "linkerd"\nretry_owner = "mesh"\nretries = { attempts = 2 }`,
        line: 2,
        want: "retries: mesh (linkerd), 3 attempts",
      },
    ],
    [
      "the client owns retries under a mesh",
      { keys: "", tables: `[external_services.users_service.mesh]\nkind = "istio"\nretry_owner = "client"`, line: 2, want: "retries: client, 3 attempts" },
    ],
    ["consistent hash names its header", { keys: `load_balancer = "consistent_hash"\nhash_header = "x-user-id"`, line: 3, want: "balancer: consistent_hash on x-user-id" }],
    ["least request", { keys: `load_balancer = "least_request"`, line: 3, want: "balancer: least_request" }],
    ["breaker off", { keys: "", tables: "[external_services.users_service.circuit_breaker]\nenabled = false", line: 4, want: "breaker: off" }],
    [
      "rate breaker",
      {
        keys: "",
        tables: "[external_services.users_service.circuit_breaker]\nfailure_rate = 0.25\nmin_requests = 40\nwindow_ms = 60000\nopen_ms = 15000",
        line: 4,
        want: "breaker: failure rate 0.25 (min 40 in 1m), open 15s",
      },
    ],
    ["dns in a namespace", { keys: `namespace = "prod"`, line: 5, want: "discovery: dns users-api.prod" }],
    ["headless, derived name", { keys: `namespace = "prod"\ndiscovery = "headless"`, line: 5, want: "discovery: headless users-api-headless.prod" }],
    ["headless, named", { keys: `discovery = "headless"\nheadless_name = "users-pods"`, line: 5, want: "discovery: headless users-pods" }],
    [
      "static endpoints are counted",
      { keys: `discovery = "static"\nendpoints = ["http://10.0.0.1:8080", "http://10.0.0.2:8080"]`, line: 5, want: "discovery: static, 2 endpoints" },
    ],
    ["mesh kind", { keys: "", tables: `[external_services.users_service.mesh]\nkind = "linkerd"`, line: 6, want: "mesh: linkerd" }],
  ];
  it.each(cases)("%s", (_name, { keys, tables, line, want }) => {
    expect(edge(keys, tables)[line]).toBe(want);
  });
});

describe("edge labels with specs", () => {
  const base = oneService("");
  const linesOf = (service: ServiceModel): string[] => graphOf({ ...base, services: [service] }).edges[0]!.lines;

  it("gRPC on the URL's port without grpc_port; a method's own timeout is named", () => {
    const methods = [grpcMethod("GetUser", true, 1500), grpcMethod("ListUsers", true)];
    const service = { ...base.services[0]!, proto: proto(["UNAVAILABLE"], [grpcService("users.v1.Users", methods)]) };
    expect(linesOf(service).slice(0, 2)).toEqual(["HTTP :8080, gRPC :8080", "timeout 10s, GetUser 1500ms"]);
  });

  it("more than two operations with their own timeout are counted", () => {
    const ops = ["a", "b", "c"].map((name) => operation({ name, method: "get", path: `/${name}`, timeoutMs: 1000 }));
    expect(linesOf(withSpec(base.services[0]!, ops))[1]).toBe("timeout 10s, 3 operations with their own");
  });
});

describe("graph data", () => {
  it("puts the caller first and the services by key, with ids safe in every syntax", () => {
    const graph = graphOf(
      oneService("", `[external_services.a-b]\nurl = "http://a-b:80"\n[external_services.Zed]\nurl = "http://zed:80"`),
    );
    expect(graph.nodes.map((n) => [n.id, n.role, n.title, n.details])).toEqual([
      ["caller", "caller", "order-api", []],
      ["svc_Zed", "service", "Zed", ["http://zed:80"]],
      ["svc1", "service", "a-b", ["http://a-b:80"]],
      ["svc_users_service", "service", "users_service", ["http://users-api:8080"]],
    ]);
    expect(graph.edges.map((e) => `${e.from}->${e.to}`)).toEqual(["caller->svc_Zed", "caller->svc1", "caller->svc_users_service"]);
  });

  it("without [service] name the caller is drawn and says so", () => {
    const graph = graphOf({ modelVersion: 2, configFile: "services.toml", services: [] });
    expect(graph).toEqual({ nodes: [{ id: "caller", role: "caller", title: "caller", details: ["[service] name not set"] }], edges: [] });
  });
});
