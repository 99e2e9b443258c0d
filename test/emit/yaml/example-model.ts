// One model that exercises every manifest kind: Istio with subsets, header routes, weights, a connection pool, a
// Sidecar, headless discovery and gRPC; Linkerd with per-operation routes and a ServiceProfile, and with gRPC
// per-method routes; a plain Service;
// an external host that gets no manifests.
import type { Model } from "../../../src/model/types.js";
import { USER_OPERATIONS, grpcMethod, grpcService, model, operation, policy, proto, service, withSpec } from "../../mesh/fixtures.js";

export function exampleModel(): Model {
  const users = withSpec(
    service({
      key: "users_service",
      grpcPort: 8081,
      // Lookup is not idempotent: with the mesh owning retries its route retries connection failures only.
      proto: proto(["UNAVAILABLE"], [grpcService("users.v1.Users", [grpcMethod("GetProfile", true), grpcMethod("Lookup", false)])]),
      discovery: { kind: "headless", endpoints: [], dnsServers: [] },
      policy: policy({ loadBalancer: "consistent_hash", hashHeader: "x-user-id" }),
      mesh: {
        kind: "istio",
        retryOwner: "mesh",
        settings: {
          sidecar: true,
          subsets: { v1: { version: "v1" }, v2: { version: "v2" } },
          routes: [{ headers: { version: { exact: "v2" } }, subset: "v2" }, { weights: { v1: 90, v2: 10 } }],
          connection_pool: { max_connections: 100, http2_max_requests: 1000, idle_timeout_ms: 60_000 },
          outlier_detection: { min_health_percent: 50 },
        },
      },
    }),
  );
  const auth = service({
    key: "auth_service",
    host: "auth-api",
    grpcPort: 8081,
    mesh: { kind: "istio", retryOwner: "client", settings: { timeout_ms: 5_000 } },
  });
  const payments = withSpec(
    service({
      key: "payments_service",
      host: "payments-api",
      basePath: "/v1",
      policy: policy({
        circuitBreaker: { enabled: true, mode: "rate", failureRate: 0.5, minRequests: 20, windowMs: 10_000, openMs: 30_000, halfOpenRequests: 1, maxEjectionPercent: 50 },
        retry: { ...policy().retry, retryOnStatus: [429, 502, 503, 504] },
      }),
      mesh: { kind: "linkerd", retryOwner: "mesh", settings: { serviceprofile: true, retry_budget: { min_retries_per_second: 5 } } },
    }),
    [
      operation({ name: "createCharge", method: "post", path: "/charges" }),
      operation({ name: "getCharge", method: "get", path: "/charges/{id}" }),
      operation({ name: "getChargeReceipt", method: "get", path: "/charges/{id}/receipt.txt", timeoutMs: 2_000 }),
      operation({ name: "refundCharge", method: "post", path: "/charges/{id}/refunds", idempotent: true }),
    ],
  );
  const orders = withSpec(
    service({ key: "orders_service", host: "orders-api", namespace: "shop", mesh: { kind: "linkerd", retryOwner: "client", settings: {} } }),
    USER_OPERATIONS,
  );
  // gRPC behind Linkerd, the mesh owning retries: GRPCRoutes for the methods whose policy differs, and a catch-all.
  const ledger = service({
    key: "ledger_service",
    host: "ledger-api",
    grpcPort: 9090,
    mesh: { kind: "linkerd", retryOwner: "mesh", settings: {} },
    proto: proto(
      ["UNAVAILABLE", "ABORTED"],
      [grpcService("ledger.v1.Ledger", [grpcMethod("GetEntry", true), grpcMethod("PostEntry", false), grpcMethod("Export", true, 30_000)])],
    ),
  });
  const search = service({ key: "search_service", host: "search-api.search.svc.cluster.local", namespace: undefined });
  const stripe = service({ key: "stripe", host: "api.stripe.com", scheme: "https", port: 443 });
  return model([users, auth, payments, orders, ledger, search, stripe]);
}
