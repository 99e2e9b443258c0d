import { describe, expect, it } from "vitest";
import { clientRetryDisabled } from "../../src/mesh/index.js";
import type { ServiceModel, SourceLocation } from "../../src/model/types.js";
import { clusterHost } from "../../src/emit/yaml/common.js";
import { CONFIG, type DraftService, policy, proto, resolveMesh, service, withSpec } from "./fixtures.js";

/** A locate() over `key.path` → line, like the config's TOML position table. */
function locator(lines: Record<string, number>): (path: string[]) => SourceLocation | undefined {
  return (path) => {
    const line = lines[path.join(".")];
    return line === undefined ? undefined : { file: CONFIG, line, column: 1 };
  };
}

const noLocate = (): undefined => undefined;

function meshService(kind: "none" | "istio" | "linkerd", retryOwner: "client" | "mesh", settings: Record<string, unknown> = {}): DraftService {
  return service({ mesh: { kind, retryOwner, settings } });
}

describe("resolveMesh: exactly one layer retries", () => {
  it("with retry_owner = client the mesh does not retry and the client keeps its policy", () => {
    const s = meshService("istio", "client");
    const { mesh, diagnostics } = resolveMesh(s, noLocate);
    expect(diagnostics).toEqual([]);
    expect(mesh.retries).toEqual({
      attempts: 0,
      on: { connect: true, timeout: true, statuses: [502, 503, 504], grpc: [] },
      explicit: false,
      perTryExplicit: false,
    });
    expect(clientRetryDisabled(s.mesh)).toBe(false);
  });

  it("with retry_owner = mesh the mesh gets the client's numbers and the client must not retry", () => {
    const s = meshService("istio", "mesh");
    const { mesh } = resolveMesh(s, noLocate);
    // 3 attempts → 2 retries; each try gets (10 s - 100 ms Envoy backoff) / 3.
    expect(mesh.retries).toEqual({
      attempts: 2,
      perTryTimeoutMs: 3300,
      on: { connect: true, timeout: true, statuses: [502, 503, 504], grpc: [] },
      explicit: false,
      perTryExplicit: false,
    });
    expect(clientRetryDisabled(s.mesh)).toBe(true);
  });

  it("gRPC statuses from retry.grpc_retry_on reach the mesh in its own words, those it cannot retry left out", () => {
    const s = service({ mesh: { kind: "istio", retryOwner: "mesh", settings: {} }, grpcPort: 8081, proto: proto(["ABORTED", "RESOURCE_EXHAUSTED", "UNAVAILABLE"]) });
    expect(resolveMesh(s, noLocate).mesh.retries.on.grpc).toEqual(["resource-exhausted", "unavailable"]);
    // An explicit mesh retry_on (HTTP vocabulary) keeps the gRPC statuses; without a proto there are none.
    const explicit = { ...s, mesh: { ...s.mesh, settings: { retries: { retry_on: [503] } } } };
    expect(resolveMesh(explicit, noLocate).mesh.retries.on).toEqual({ connect: false, timeout: false, statuses: [503], grpc: ["resource-exhausted", "unavailable"] });
    expect(resolveMesh(meshService("istio", "mesh"), noLocate).mesh.retries.on.grpc).toEqual([]);
  });

  it("Linkerd retries at once, so the per-try timeout splits the whole route timeout", () => {
    const { mesh } = resolveMesh(meshService("linkerd", "mesh"), noLocate);
    expect(mesh.retries.perTryTimeoutMs).toBe(3333);
  });

  it("retry_owner = mesh without a mesh warns and leaves retries to the client", () => {
    const s = meshService("none", "mesh");
    const { mesh, diagnostics } = resolveMesh(s, locator({ "external_services.users_service.mesh.retry_owner": 14 }));
    expect(clientRetryDisabled(s.mesh)).toBe(false);
    expect(mesh.retries.attempts).toBe(0);
    expect(diagnostics).toEqual([
      {
        severity: "warning",
        code: "mesh/ignored",
        message: 'mesh.retry_owner = "mesh" needs mesh.kind "istio" or "linkerd"; without a mesh the client retries',
        location: { file: CONFIG, line: 14, column: 1 },
      },
    ]);
  });

  it("explicit mesh retries override the derived numbers", () => {
    const s = meshService("istio", "mesh", { retries: { attempts: 1, per_try_timeout_ms: 2000, retry_on: [503, "connect"] } });
    const { mesh, diagnostics } = resolveMesh(s, noLocate);
    expect(diagnostics).toEqual([]);
    expect(mesh.retries).toEqual({
      attempts: 1,
      perTryTimeoutMs: 2000,
      on: { connect: true, timeout: false, statuses: [503], grpc: [] },
      explicit: true,
      perTryExplicit: true,
    });
  });

  it("without retrying timeouts the mesh gets no per-try timeout", () => {
    const s = service({
      policy: policy({ retry: { ...policy().retry, retryOnTimeout: false } }),
      mesh: { kind: "istio", retryOwner: "mesh", settings: {} },
    });
    expect(resolveMesh(s, noLocate).mesh.retries).toEqual({
      attempts: 2,
      on: { connect: true, timeout: false, statuses: [502, 503, 504], grpc: [] },
      explicit: false,
      perTryExplicit: false,
    });
  });

  it("a retry policy that reacts to nothing means no mesh retries", () => {
    const s = service({
      policy: policy({ retry: { ...policy().retry, retryOnConnect: false, retryOnTimeout: false, retryOnStatus: [] } }),
      mesh: { kind: "istio", retryOwner: "mesh", settings: {} },
    });
    expect(resolveMesh(s, noLocate).mesh.retries.attempts).toBe(0);
  });

  it("records client-only retry keys written for a service whose mesh owns retries", () => {
    const s = meshService("istio", "mesh");
    const { mesh } = resolveMesh(
      s,
      locator({
        "external_services.users_service.retry": 20,
        "external_services.users_service.retry.jitter": 21,
        "external_services.users_service.retry.max_attempts": 22,
        "defaults.retry.initial_backoff_ms": 5,
      }),
    );
    // max_attempts is carried by the mesh; initial_backoff_ms comes from [defaults], not this service.
    expect(mesh.clientOnlyRetryKeys).toEqual(["jitter"]);
    expect(mesh.locations["retry.jitter"]).toEqual({ file: CONFIG, line: 21, column: 1 });
  });
});

describe("resolveMesh: settings validation", () => {
  // Unknown keys and values of the wrong type are the key table's business (test/config/errors.test.ts).
  it("finds settings inherited from [defaults].mesh there", () => {
    const s = meshService("linkerd", "client", { subsets: { v1: { version: "v1" } } });
    const { diagnostics } = resolveMesh(s, locator({ "defaults.mesh.subsets": 7 }));
    expect(diagnostics.map((d) => [d.code, d.location.line])).toEqual([["mesh/wrong-kind", 7]]);
  });

  it("rejects keys of the other mesh and warns about keys under kind none", () => {
    const linkerd = resolveMesh(meshService("linkerd", "client", { subsets: { v1: { version: "v1" } } }), noLocate);
    expect(linkerd.diagnostics.map((d) => [d.severity, d.code, d.message])).toEqual([
      ["error", "mesh/wrong-kind", 'mesh.subsets applies to mesh.kind "istio" only, not "linkerd"'],
    ]);
    const none = resolveMesh(meshService("none", "client", { serviceprofile: true }), noLocate);
    expect(none.diagnostics.map((d) => [d.severity, d.message])).toEqual([
      ["warning", 'mesh.serviceprofile is ignored: mesh.kind is "none" (it applies to "linkerd")'],
    ]);
    expect(none.mesh.serviceProfile).toBe(false);
  });

  it.each([
    ["subset name", { subsets: { "V 1": { version: "v1" } } }, 'subset name "V 1" must be an RFC 1123 label'],
    ["label value", { subsets: { v1: { version: "v1\nkind: Secret" } } }, "mesh.subsets.v1.version must be a Kubernetes label value"],
    ["label key", { subsets: { v1: { "a: b": "x" } } }, 'label key "a: b" in mesh.subsets.v1 must be a Kubernetes label key'],
    ["header name", { routes: [{ headers: { Version: { exact: "v2" } }, subset: "v2" }] }, 'header "Version" in mesh.routes.0.headers must be a lower-case HTTP header name (RFC 9110 token) (did you mean "version"?)'],
    ["header value", { routes: [{ headers: { version: { exact: "v2\r\nx: y" } }, subset: "v2" }] }, "mesh.routes.0.headers.version.exact must be text without control characters"],
    ["unknown subset", { routes: [{ headers: { version: { exact: "v3" } }, subset: "v3" }] }, 'mesh.routes.0.subset names subset "v3", which mesh.subsets does not define (defined: v1, v2)'],
    ["weights", { routes: [{ weights: { v1: 90, v2: 20 } }] }, "mesh.routes.0.weights must add up to 100, got 110"],
    ["catch-all first", { routes: [{ subset: "v1" }, { headers: { version: { exact: "v2" } }, subset: "v2" }] }, "mesh.routes.0 has no headers, so it matches every request"],
    ["subset and weights", { routes: [{ subset: "v1", weights: { v1: 100 } }] }, "mesh.routes.0 must set exactly one of subset, weights"],
    ["header match kinds", { routes: [{ headers: { version: { exact: "a", prefix: "b" } }, subset: "v1" }] }, "mesh.routes.0.headers.version must set exactly one of exact, prefix, regex"],
  ])("rejects a bad %s", (_name, extra, message) => {
    const settings = { subsets: { v1: { version: "v1" }, v2: { version: "v2" } }, ...extra };
    const { diagnostics } = resolveMesh(meshService("istio", "client", settings), noLocate);
    expect(diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([expect.stringContaining(message)]);
  });

  it("reads subsets and routes in order", () => {
    const { mesh, diagnostics } = resolveMesh(
      meshService("istio", "client", {
        subsets: { v2: { version: "v2" }, v1: { version: "v1", "app.kubernetes.io/part-of": "users" } },
        routes: [{ headers: { version: { exact: "v2" }, "x-canary": { prefix: "yes" } }, subset: "v2" }, { weights: { v1: 90, v2: 10 }, budget_ratio: 0.1 }],
      }),
      noLocate,
    );
    expect(diagnostics).toEqual([]);
    expect(mesh.subsets.map((s) => [s.name, s.labels])).toEqual([
      ["v1", { "app.kubernetes.io/part-of": "users", version: "v1" }],
      ["v2", { version: "v2" }],
    ]);
    expect(mesh.routes.map((r) => [r.headers, r.destinations, r.budgetRatio])).toEqual([
      [
        [
          { name: "version", kind: "exact", value: "v2" },
          { name: "x-canary", kind: "prefix", value: "yes" },
        ],
        [{ subset: "v2" }],
        undefined,
      ],
      [[], [{ subset: "v1", weight: 90 }, { subset: "v2", weight: 10 }], 0.1],
    ]);
  });
});

describe("resolveMesh: derived resources", () => {
  it("derives outlier detection from a consecutive breaker and a rate breaker", () => {
    expect(resolveMesh(meshService("istio", "client"), noLocate).mesh.outlierDetection).toEqual({
      consecutive5xxErrors: 5,
      intervalMs: 10_000,
      baseEjectionMs: 30_000,
      // The client's ejection cap (circuit_breaker.max_ejection_percent), so both ends eject alike.
      maxEjectionPercent: 50,
    });
    const rate = service({
      policy: policy({
        circuitBreaker: { enabled: true, mode: "rate", failureRate: 0.5, minRequests: 20, windowMs: 10_000, openMs: 30_000, halfOpenRequests: 1, maxEjectionPercent: 50 },
      }),
      mesh: { kind: "istio", retryOwner: "client", settings: { outlier_detection: { max_ejection_percent: 50 } } },
    });
    expect(resolveMesh(rate, noLocate).mesh.outlierDetection).toEqual({
      consecutive5xxErrors: 10,
      intervalMs: 10_000,
      baseEjectionMs: 30_000,
      maxEjectionPercent: 50,
    });
    const off = meshService("istio", "client", { outlier_detection: false });
    expect(resolveMesh(off, noLocate).mesh.outlierDetection).toBeUndefined();
  });

  it("derives Linkerd failure accrual from the breaker", () => {
    const { mesh } = resolveMesh(meshService("linkerd", "client"), noLocate);
    expect(mesh.failureAccrual).toEqual({ maxFailures: 5, minPenaltyMs: 30_000, maxPenaltyMs: 30_000 });
    const disabled = service({ policy: policy({ circuitBreaker: { enabled: false } }), mesh: { kind: "linkerd", retryOwner: "client", settings: {} } });
    expect(resolveMesh(disabled, noLocate).mesh.failureAccrual).toBeUndefined();
  });

  it("keeps the connection pool to what is set, with the client's connect timeout", () => {
    const { mesh } = resolveMesh(meshService("istio", "client", { connection_pool: { max_connections: 100, max_retries: 0 } }), noLocate);
    expect(mesh.connectionPool).toEqual({ connectTimeoutMs: 5_000, maxConnections: 100, maxRetries: 0 });
  });

  it("maps load balancers and the hash header", () => {
    const lb = (p: Partial<ServiceModel["policy"]>) =>
      resolveMesh(service({ policy: policy(p), mesh: { kind: "istio", retryOwner: "client", settings: {} } }), noLocate).mesh.loadBalancer;
    expect(lb({ loadBalancer: "round_robin" })).toEqual({ kind: "simple", simple: "ROUND_ROBIN" });
    expect(lb({ loadBalancer: "least_request" })).toEqual({ kind: "simple", simple: "LEAST_REQUEST" });
    expect(lb({ loadBalancer: "consistent_hash", hashHeader: "x-user-id" })).toEqual({ kind: "hash", header: "x-user-id" });
    expect(lb({ loadBalancer: "failover" })).toBeUndefined();
  });

  it.each([
    ["users-api", "default", { name: "users-api", namespace: "default" }],
    ["users-api.prod.svc.cluster.local", undefined, { name: "users-api", namespace: "prod" }],
    ["users-api.prod.svc", undefined, { name: "users-api", namespace: "prod" }],
    ["users-api.default", "default", { name: "users-api", namespace: "default" }],
    ["api.example.com", "default", undefined],
    ["10.0.0.5", "default", undefined],
  ])("derives the Kubernetes Service from host %s", (host, namespace, want) => {
    const s = service({ host, ...(namespace ? { namespace } : { namespace: undefined }) });
    const kube = resolveMesh(s, noLocate).mesh.kube;
    expect(kube ? { name: kube.name, namespace: kube.namespace } : undefined).toEqual(want);
  });

  it("honours cluster_domain: its FQDNs are cluster hosts and the mesh names the Service by it", () => {
    const discovery = { kind: "dns" as const, endpoints: [], dnsServers: [], clusterDomain: "corp.example" };
    const inCluster = resolveMesh(service({ host: "users-api.prod.svc.corp.example", namespace: undefined, discovery }), noLocate).mesh.kube;
    expect(inCluster).toMatchObject({ name: "users-api", namespace: "prod", clusterDomain: "corp.example" });
    expect(clusterHost(inCluster!)).toBe("users-api.prod.svc.corp.example");
    // The default domain is then just another external name.
    expect(resolveMesh(service({ host: "users-api.prod.svc.cluster.local", namespace: undefined, discovery }), noLocate).mesh.kube).toBeUndefined();
    expect(clusterHost(resolveMesh(service({ host: "users-api" }), noLocate).mesh.kube!)).toBe("users-api.default.svc.cluster.local");
  });

  it("names the headless Service and the ports", () => {
    const s = service({
      grpcPort: 8081,
      discovery: { kind: "headless", endpoints: [], dnsServers: [] },
      mesh: { kind: "none", retryOwner: "client", settings: { grpc_port_name: "grpc-api", grpc_app_protocol: "kubernetes.io/h2c" } },
    });
    expect(resolveMesh(s, noLocate).mesh.kube).toEqual({
      name: "users-api",
      namespace: "default",
      headlessName: "users-api-headless",
      selector: { app: "users-api" },
      httpPortName: "http",
      httpTargetPort: 8080,
      grpcPortName: "grpc-api",
      grpcTargetPort: 8081,
      grpcAppProtocol: "kubernetes.io/h2c",
    });
  });

  it("needs a cluster host for a mesh and a namespace for a ServiceProfile", () => {
    const external = resolveMesh(service({ host: "api.example.com", mesh: { kind: "istio", retryOwner: "client", settings: {} } }), noLocate);
    expect(external.diagnostics.map((d) => d.code)).toEqual(["mesh/host"]);
    const noNamespace = resolveMesh(
      service({ namespace: undefined, mesh: { kind: "linkerd", retryOwner: "client", settings: { serviceprofile: true } } }),
      noLocate,
    );
    expect(noNamespace.diagnostics.map((d) => d.message)).toEqual(["mesh.serviceprofile needs the service's namespace (set namespace)"]);
  });
});

describe("resolveMesh: per-route policies", () => {
  it("groups operations whose timeout or retry safety differs from the service's", () => {
    const s = withSpec(meshService("istio", "mesh"));
    const { defaults, groups } = resolveMesh(s, noLocate).mesh.policies;
    expect(defaults.retries.attempts).toBe(2);
    expect(groups.map((g) => [g.label, g.operations, g.policy])).toEqual([
      [
        "2s-connect-retry",
        ["updateUser"],
        // Only connection failures are retried: no per-try timeout (a timed-out try is not retried).
        { timeoutMs: 2000, retries: { attempts: 2, on: { connect: true, timeout: false, statuses: [], grpc: [] } } },
      ],
      [
        "connect-retry",
        ["createUser"],
        { timeoutMs: 10_000, retries: { attempts: 2, on: { connect: true, timeout: false, statuses: [], grpc: [] } } },
      ],
    ]);
  });

  it("under Linkerd a non-idempotent operation is not retried at all", () => {
    const s = withSpec(meshService("linkerd", "mesh"));
    const { groups } = resolveMesh(s, noLocate).mesh.policies;
    expect(groups.map((g) => [g.label, g.policy.retries.attempts])).toEqual([
      ["2s-no-retry", 0],
      ["no-retry", 0],
    ]);
  });

  it("with the client owning retries only timeouts differ", () => {
    const s = withSpec(meshService("istio", "client"));
    const { groups } = resolveMesh(s, noLocate).mesh.policies;
    expect(groups.map((g) => [g.label, g.operations])).toEqual([["2s", ["updateUser"]]]);
  });
});
