import { describe, expect, it } from "vitest";
import { LINT_CODES, lint } from "../../src/lint/index.js";
import type { Diagnostic, Model, ServiceModel, SourceLocation } from "../../src/model/types.js";
import { resolveCaller } from "../../src/resolve/caller.js";
import { CONFIG, type DraftService, grpcMethod, grpcService, model, operation, policy, proto, resolved, service, withSpec } from "../mesh/fixtures.js";

const AT = (line: number): SourceLocation => ({ file: CONFIG, line, column: 1 });
const SERVICE_AT = AT(10);

/** Resolve the draft with TOML positions, as the resolve step does (mesh first, then the client's attempts). */
function wired(s: DraftService, lines: Record<string, number> = {}): ServiceModel {
  return resolved(s, (path: string[]) => {
    const line = lines[path.join(".")];
    return line === undefined ? undefined : AT(line);
  });
}

const GET_USER = operation({ name: "getUser", method: "get", path: "/users/{id}" });
const CREATE_USER = operation({ name: "createUser", method: "post", path: "/users" });
const key = (path: string): string => `external_services.users_service.${path}`;
const mesh = (kind: "istio" | "linkerd", retryOwner: "client" | "mesh", settings: Record<string, unknown> = {}) => ({
  mesh: { kind, retryOwner, settings },
});

/** The model of one service; `networkPolicy`: with `[service] network_policy = true` (no caller namespace). */
function modelOf(given: ServiceModel, networkPolicy = false): Model {
  const m = model([given]);
  if (networkPolicy) m.caller = resolveCaller({ name: "order-api", location: AT(2), networkPolicy: { location: AT(3) } }, m.services);
  return m;
}

const rows: Array<[string, { given: ServiceModel; networkPolicy?: boolean; want: Array<[string, string, SourceLocation]> }]> = [
  [
    "SVC101 both layers retry",
    {
      given: wired(withSpec(service(mesh("istio", "client", { retries: { attempts: 2 } }))), { [key("mesh.retries")]: 30 }),
      want: [
        ["SVC101", "users_service: the client (3 attempts) and the mesh (3 tries) both retry: up to 9 requests per call; let one layer retry (mesh.retry_owner)", AT(30)],
        ["SVC113", 'users_service: mesh.retries is set but mesh.retry_owner is "client": the mesh retries 2 more time(s) on top of the client', AT(30)],
      ],
    },
  ],
  [
    "SVC102 mesh retries without a spec",
    {
      given: wired(service(mesh("linkerd", "mesh")), { [key("mesh.retry_owner")]: 22 }),
      want: [
        ["SVC102", "users_service: the mesh retries failed responses of every request, POST and PATCH included: without an OpenAPI spec svcgen cannot exempt the operations that are not idempotent", AT(22)],
      ],
    },
  ],
  [
    "no SVC102 for a gRPC service without an OpenAPI spec: its unsafe methods get routes without retries",
    {
      given: wired(service({ ...mesh("linkerd", "mesh"), grpcPort: 8081, proto: proto(["UNAVAILABLE"], [grpcService("x.v1.Orders", [grpcMethod("Place", false), grpcMethod("Get", true)])]) }), {
        [key("mesh.retry_owner")]: 22,
      }),
      want: [],
    },
  ],
  [
    "SVC103 tries exceed the route timeout",
    {
      given: wired(withSpec(service(mesh("istio", "mesh", { retries: { per_try_timeout_ms: 4000 } })), [GET_USER]), {
        [key("mesh.retries.per_try_timeout_ms")]: 41,
      }),
      want: [
        ["SVC103", "users_service: 3 mesh tries × 4s per try + 100ms backoff = 12100ms, over the 10s timeout of the service's route: the last tries are cut off", AT(41)],
      ],
    },
  ],
  [
    "SVC103 client attempts exceed the client timeout under a shorter mesh timeout",
    {
      given: wired(service(mesh("istio", "client", { timeout_ms: 5000 })), { [key("mesh.timeout_ms")]: 12 }),
      want: [["SVC103", "users_service: 3 client attempts × 5s (mesh.timeout_ms) + 300ms backoff = 15300ms, over the client's 10s timeout: the last attempts are cut off", AT(12)]],
    },
  ],
  [
    "SVC104 per-try timeout above the route timeout",
    {
      given: wired(withSpec(service(mesh("istio", "mesh", { retries: { per_try_timeout_ms: 3000 } })), [operation({ name: "getUser", method: "get", path: "/users/{id}", timeoutMs: 2000 })]), {
        [key("mesh.retries")]: 50,
      }),
      want: [
        ["SVC103", "users_service: 3 mesh tries × 3s per try + 100ms backoff = 9100ms, over the 2s timeout of the route of getUser: the last tries are cut off", AT(50)],
        ["SVC104", "users_service: mesh per-try timeout 3s is above the 2s timeout of the route of getUser", AT(50)],
      ],
    },
  ],
  [
    "SVC103 and SVC104 once each when two routes share the problem (a POST's connect-retry route keeps the service's timeouts)",
    {
      given: wired(withSpec(service(mesh("istio", "mesh", { retries: { per_try_timeout_ms: 12000 } })), [GET_USER, CREATE_USER]), {
        [key("mesh.retries.per_try_timeout_ms")]: 44,
      }),
      want: [
        ["SVC103", "users_service: 3 mesh tries × 12s per try + 100ms backoff = 36100ms, over the 10s timeout of the service's route and the route of createUser: the last tries are cut off", AT(44)],
        ["SVC104", "users_service: mesh per-try timeout 12s is above the 10s timeout of the service's route and the route of createUser", AT(44)],
      ],
    },
  ],
  [
    "SVC105 Istio consistent hashing with headless discovery",
    {
      given: wired(
        service({
          ...mesh("istio", "client"),
          discovery: { kind: "headless", endpoints: [], dnsServers: [] },
          policy: policy({ loadBalancer: "consistent_hash", hashHeader: "x-user-id" }),
        }),
        { [key("load_balancer")]: 15 },
      ),
      want: [["SVC105", "users_service: the DestinationRule's consistent hashing on x-user-id does not apply with headless discovery: the client calls pod IPs directly, past Istio's load balancer", AT(15)]],
    },
  ],
  [
    "SVC106 ServiceProfile with annotations",
    {
      given: wired(withSpec(service(mesh("linkerd", "client", { serviceprofile: true }))), { [key("mesh.serviceprofile")]: 33 }),
      want: [["SVC106", "users_service: Linkerd ignores the Service's retry and timeout annotations (and HTTPRoute retries) while a ServiceProfile exists; drop mesh.serviceprofile unless you need it", AT(33)]],
    },
  ],
  [
    "SVC107 retry budget on a route",
    {
      given: wired(service(mesh("istio", "client", { subsets: { v1: { version: "v1" } }, routes: [{ subset: "v1", budget_ratio: 0.1 }] })), {
        [key("mesh.routes.0")]: 60,
      }),
      want: [["SVC107", "users_service: mesh.routes[0] sets budget_ratio = 0.1, but a retry budget covers the whole service; it is ignored (set retry.budget_ratio)", AT(60)]],
    },
  ],
  [
    "SVC108 gRPC max attempts above 5",
    {
      given: wired(service({ grpcPort: 8081, policy: policy({ retry: { ...policy().retry, maxAttempts: 7 } }) }), { [key("retry.max_attempts")]: 18 }),
      want: [["SVC108", "users_service: gRPC caps retry attempts at 5; retry.max_attempts = 7 is silently reduced to 5", AT(18)]],
    },
  ],
  [
    "SVC109 Service name breaks RFC 1035",
    {
      given: wired(service({ host: `users-${"x".repeat(60)}` }), { [key("url")]: 11 }),
      want: [["SVC109", `users_service: Kubernetes Service name "users-${"x".repeat(60)}" (from the URL host) breaks RFC 1035: 66 characters, at most 63`, AT(11)]],
    },
  ],
  [
    "SVC109 headless name breaks RFC 1035",
    {
      given: wired(service({ host: "1users", discovery: { kind: "headless", endpoints: [], dnsServers: [] } })),
      want: [
        ["SVC109", `users_service: Kubernetes Service name "1users" (from the URL host) breaks RFC 1035: it must start with a lower-case letter and contain only lower-case letters, digits and '-'`, SERVICE_AT],
        ["SVC109", `users_service: headless Service name "1users-headless" breaks RFC 1035: it must start with a lower-case letter and contain only lower-case letters, digits and '-'`, SERVICE_AT],
      ],
    },
  ],
  [
    "SVC110 port name over 15 characters",
    {
      given: wired(service({ mesh: { kind: "none", retryOwner: "client", settings: { http_port_name: "http-users-public" } } }), {
        [key("mesh.http_port_name")]: 70,
      }),
      want: [["SVC110", 'users_service: port name "http-users-public" has 17 characters; Kubernetes allows at most 15', AT(70)]],
    },
  ],
  [
    "SVC111 hash header the spec does not send",
    {
      given: wired(withSpec(service({ policy: policy({ loadBalancer: "consistent_hash", hashHeader: "x-tenant-id" }) })), { [key("hash_header")]: 19 }),
      want: [["SVC111", 'users_service: hash_header "x-tenant-id" is not a header parameter of any operation in specs/users.yaml: calls without it fall back to round-robin and lose their endpoint affinity', AT(19)]],
    },
  ],
  [
    "SVC112 client retry settings while the mesh owns retries",
    {
      given: wired(withSpec(service(mesh("istio", "mesh"))), { [key("retry.jitter")]: 25, [key("retry.initial_backoff_ms")]: 24 }),
      want: [["SVC112", 'users_service: mesh.retry_owner = "mesh", so the client does not retry and retry.initial_backoff_ms, retry.jitter have no effect (the mesh paces its own retries)', AT(24)]],
    },
  ],
  [
    "SVC114 consistent hashing under Linkerd",
    {
      given: wired(withSpec(service({ ...mesh("linkerd", "client"), policy: policy({ loadBalancer: "consistent_hash", hashHeader: "x-user-id" }) })), {
        [key("load_balancer")]: 16,
      }),
      want: [["SVC114", 'users_service: consistent hashing is lost under Linkerd with dns discovery: the proxy balances every request to the Service by latency (use discovery = "headless")', AT(16)]],
    },
  ],
  [
    "SVC115 gRPC statuses the mesh cannot retry",
    {
      given: wired(withSpec(service({ ...mesh("linkerd", "mesh"), grpcPort: 8081, proto: proto(["ABORTED", "UNAVAILABLE", "DATA_LOSS"]) })), {
        [key("retry.grpc_retry_on")]: 21,
      }),
      want: [
        [
          "SVC115",
          'users_service: mesh.retry_owner = "mesh", but Linkerd cannot retry gRPC ABORTED, DATA_LOSS: no layer retries them (the mesh retries only CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, INTERNAL, UNAVAILABLE)',
          AT(21),
        ],
      ],
    },
  ],
  [
    "SVC116 network_policy and a callee outside the cluster",
    {
      given: wired(service({ host: "api.example.com", port: 443, url: "https://api.example.com", scheme: "https" }), { [key("url")]: 11 }),
      networkPolicy: true,
      want: [
        ["SVC116", "users_service: network_policy blocks calls to api.example.com: it is not a Service in this cluster, so there are no pods to select (and an ipBlock needs fixed IP addresses); allow it with a NetworkPolicy of your own or an egress gateway", AT(11)],
      ],
    },
  ],
  [
    "SVC117 network_policy and a port the pods may not listen on",
    {
      given: wired(
        service({ url: "http://users-api", port: 80, discovery: { kind: "static", endpoints: [{ scheme: "http", host: "10.0.0.5", port: 8080 }], dnsServers: [] } }),
        { [key("url")]: 11, [key("discovery")]: 12 },
      ),
      networkPolicy: true,
      want: [
        ["SVC117", "users_service: network_policy allows port 80 to its pods because the url names no port (http's default); if they listen on another port, write it in url", AT(11)],
        ["SVC117", "users_service: network_policy allows its pods on port(s) 80 only, but static endpoints are dialled on port(s) 8080: those calls are blocked", AT(12)],
      ],
    },
  ],
  [
    "SVC118 network_policy without a namespace for the callee",
    {
      given: wired(service({ namespace: undefined }), { [key("url")]: 11 }),
      networkPolicy: true,
      want: [
        ["SVC118", "users_service: network_policy knows no namespace for it (set namespace here, in [defaults] or in [service]): the rule allows its pods only in the namespace the policy is applied to", AT(11)],
      ],
    },
  ],
];

describe("lint", () => {
  it.each(rows)("%s", (_name, { given, networkPolicy, want }) => {
    const got = lint(modelOf(given, networkPolicy)).map((d: Diagnostic) => [d.code, d.message, d.location]);
    expect(got.sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0))).toEqual(
      [...want].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
    );
    expect(lint(model([given])).every((d) => d.severity === "warning")).toBe(true);
  });

  it("has a row for every code", () => {
    const covered = new Set(rows.flatMap(([, { want }]) => want.map((w) => w[0])));
    expect([...covered].sort()).toEqual(Object.keys(LINT_CODES).sort());
  });

  it("finds nothing in a well-configured model", () => {
    const clean = [
      wired(withSpec(service({ ...mesh("istio", "mesh"), policy: policy({ loadBalancer: "consistent_hash", hashHeader: "x-user-id" }) }))),
      wired(withSpec(service({ key: "orders_service", host: "orders-api", ...mesh("linkerd", "client") }))),
      wired(service({ key: "auth_service", host: "auth-api", grpcPort: 8081 })),
    ];
    expect(lint(model(clean))).toEqual([]);
  });

  it("lints a model whose meshes were not resolved by the builder, at the service's position", () => {
    const raw = service({ grpcPort: 8081, policy: policy({ retry: { ...policy().retry, maxAttempts: 6 } }) });
    expect(lint(model([raw])).map((d) => [d.code, d.location])).toEqual([["SVC108", SERVICE_AT]]);
  });
});
