// Mesh and proto golden cases, built through the real pipeline (generate() and the CLI on the project folders under
// test/golden/), never from a hand-built model, so they keep holding while the model builder's internals move:
//   mesh-istio       retry_owner mesh/client, subsets + header route + weighted split, outlier detection derived /
//                    explicit / off, connection pool, the caller's Sidecar, gRPC statuses in retryOn, namespaces on a
//                    custom cluster domain
//   mesh-linkerd     retry_owner mesh/client, failure accrual derived / explicit / off, ServiceProfile with a retry
//                    budget, per-operation HTTPRoutes (timeouts, no-retry), per-method GRPCRoutes
//   mesh-gateway     the Gateway API GRPCRoute: methods grouped by policy across proto services, rules of at most 8
//                    matches, the catch-all, renamed Service ports, no namespace
//   proto-streaming  a proto-only service: unary, server/client/bidi streaming, every idempotency level + overrides
// test/golden.test.ts already iterates these folders (byte-for-byte expected/, determinism, strict tsc, import); this
// file adds what a mesh golden needs on top: a failure that names the first differing line, strict-schema validation
// of every manifest, the CLI's output and findings (<case>/gen-stderr.txt) and the facts each case is there to pin.
// UPDATE_GOLDEN=1 rewrites expected/ in test/golden.test.ts and gen-stderr.txt here; run both files to accept changes.
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { GeneratedFile } from "../src/emit/files.js";
import { type GenerateResult, generate } from "../src/generate.js";
import { type RunResult, run } from "./cli/helpers.js";
import { SCHEMA_FILES, type SchemaKey, schemaErrors } from "./emit/yaml/schemas.js";
import { REPO, TMP } from "./support/repo.js";

const GOLDEN = path.join(REPO, "test", "golden");
const OUT = path.join(TMP, "golden-mesh");
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const CASES = ["mesh-istio", "mesh-linkerd", "mesh-gateway", "proto-streaming"] as const;
type CaseName = (typeof CASES)[number];
/** Case-root files that are goldens of this test, not inputs. */
const STDERR_GOLDEN = "gen-stderr.txt";

interface Doc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

// ---- readable golden comparison

/** `undefined` when equal; else the 1-based line where `actual` first departs from `expected`, both lines shown. */
export function firstDifference(expected: string, actual: string): string | undefined {
  if (expected === actual) return undefined;
  const e = expected.split("\n");
  const a = actual.split("\n");
  let i = 0;
  while (i < e.length && i < a.length && e[i] === a[i]) i++;
  const show = (lines: string[]): string => (i < lines.length ? JSON.stringify(lines[i]) : "(end of file)");
  return `line ${i + 1}:\n    expected: ${show(e)}\n    actual:   ${show(a)}`;
}

function listFiles(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))]))
    .map((p) => p.split(path.sep).join("/"))
    .sort();
}

/** Every way `produced` differs from the files under `expectedDir`, one readable entry each. */
export function treeDifferences(expectedDir: string, produced: readonly GeneratedFile[], skip = (_path: string): boolean => false): string[] {
  const expected = listFiles(expectedDir).filter((p) => !skip(p));
  const paths = new Set(produced.map((f) => f.path));
  const problems: string[] = [];
  for (const p of expected) if (!paths.has(p)) problems.push(`${p}: expected but not generated`);
  for (const f of produced) {
    if (!expected.includes(f.path)) {
      problems.push(`${f.path}: generated but not expected`);
      continue;
    }
    const diff = firstDifference(readFileSync(path.join(expectedDir, f.path), "utf8"), f.content);
    if (diff !== undefined) problems.push(`${f.path}: differs at ${diff}`);
  }
  return problems;
}

function assertMatchesGolden(name: string, produced: readonly GeneratedFile[]): void {
  const problems = treeDifferences(path.join(GOLDEN, name, "expected"), produced);
  if (problems.length > 0) {
    throw new Error(`golden ${name} changed (UPDATE_GOLDEN=1 accepts it):\n  ${problems.join("\n  ")}`);
  }
}

// ---- the cases, generated once each

const isRuntime = (p: string): boolean => p.startsWith("runtime/");
const results = new Map<CaseName, GenerateResult>();

function result(name: CaseName): GenerateResult {
  const r = results.get(name);
  if (!r) throw new Error(`${name} was not generated`);
  return r;
}

function produced(name: CaseName): GeneratedFile[] {
  return result(name).files.filter((f) => !isRuntime(f.path));
}

function docs(name: CaseName): Map<string, Doc> {
  return new Map(produced(name).filter((f) => f.path.endsWith(".yaml")).map((f) => [f.path, parse(f.content) as Doc]));
}

function doc(name: CaseName, file: string): Doc {
  const d = docs(name).get(file);
  if (!d) throw new Error(`${name} did not generate ${file}`);
  return d;
}

function file(name: CaseName, p: string): string {
  const f = produced(name).find((g) => g.path === p);
  if (!f) throw new Error(`${name} did not generate ${p}`);
  return f.content;
}

/** `svcgen gen` (in-process, the real pipeline) on a scratch copy of the case's inputs, once per case. */
const cliRuns = new Map<CaseName, Promise<RunResult>>();
function cliRun(name: CaseName): Promise<RunResult> {
  let pending = cliRuns.get(name);
  if (!pending) {
    const caseDir = path.join(GOLDEN, name);
    const project = path.join(OUT, name);
    rmSync(project, { recursive: true, force: true });
    cpSync(caseDir, project, {
      recursive: true,
      filter: (src) => !src.startsWith(path.join(caseDir, "expected")) && path.basename(src) !== STDERR_GOLDEN,
    });
    pending = run(project, ["gen", "--no-cache"]);
    cliRuns.set(name, pending);
  }
  return pending;
}

beforeAll(async () => {
  for (const name of CASES) results.set(name, await generate({ configPath: "services.toml", cwd: path.join(GOLDEN, name) }));
});

describe("golden comparison", () => {
  it("names the first differing line, and a missing or extra line at the end", () => {
    expect(firstDifference("a\nb\nc\n", "a\nb\nc\n")).toBeUndefined();
    expect(firstDifference("a\nb\nc\n", "a\nB\nc\n")).toBe('line 2:\n    expected: "b"\n    actual:   "B"');
    expect(firstDifference("a\n", "a\nb\n")).toBe('line 2:\n    expected: ""\n    actual:   "b"');
    expect(firstDifference("a\nb", "a")).toBe('line 2:\n    expected: "b"\n    actual:   (end of file)');
  });

  it("reports a changed manifest, a missing one and an unexpected one against a real golden folder", () => {
    const files = produced("mesh-istio");
    const changed = files.map((f) =>
      f.path === "istio/stock/virtual-service.yaml" ? { ...f, content: f.content.replace('timeout: "800ms"', 'timeout: "801ms"') } : f,
    );
    const line = file("mesh-istio", "istio/stock/virtual-service.yaml").split("\n").indexOf('    timeout: "800ms"') + 1;
    expect(line).toBeGreaterThan(0);
    const report = treeDifferences(path.join(GOLDEN, "mesh-istio", "expected"), [
      ...changed.filter((f) => f.path !== "istio/sidecar.yaml"),
      { path: "istio/extra.yaml", content: "" },
    ]);
    expect(report).toEqual([
      "istio/sidecar.yaml: expected but not generated",
      `istio/stock/virtual-service.yaml: differs at line ${line}:\n    expected: "    timeout: \\"800ms\\""\n    actual:   "    timeout: \\"801ms\\""`,
      "istio/extra.yaml: generated but not expected",
    ]);
  });
});

describe.each(CASES)("golden %s", (name) => {
  const caseDir = path.join(GOLDEN, name);

  it("generates through generate() with no error diagnostics, byte for byte as expected/", () => {
    const r = result(name);
    expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(r.model?.services.length).toBeGreaterThan(0);
    // expected/ belongs to test/golden.test.ts, which rewrites it under UPDATE_GOLDEN=1 (possibly right now).
    if (!UPDATE) assertMatchesGolden(name, produced(name));
  });

  it("writes only manifests that validate against their strict Kubernetes, Istio, Linkerd or Gateway API schema", () => {
    const manifests = docs(name);
    expect(manifests.size).toBeGreaterThan(0);
    for (const [p, d] of manifests) {
      const key = `${d.apiVersion}/${d.kind}`;
      expect(Object.keys(SCHEMA_FILES), `${p}: no strict schema for ${key}`).toContain(key);
      expect(schemaErrors(key as SchemaKey, d), p).toEqual([]);
    }
  });

  it(`the CLI writes the same files and prints the findings in ${STDERR_GOLDEN}`, async () => {
    const cli = await cliRun(name);
    const stderrFile = path.join(caseDir, STDERR_GOLDEN);
    if (UPDATE) writeFileSync(stderrFile, cli.stderr);
    expect(cli.code).toBe(0);
    const diff = firstDifference(readFileSync(stderrFile, "utf8"), cli.stderr);
    expect(diff, `${name}/${STDERR_GOLDEN}`).toBeUndefined();
    for (const line of cli.stderr.split("\n").filter(Boolean)) expect(line).toMatch(/^services\.toml:\d+:\d+: warning: .* \[SVC\d{3}\]$/);
    const written = path.join(OUT, name, "generated");
    expect(listFiles(written).filter((p) => !isRuntime(p))).toEqual(produced(name).map((f) => f.path));
    expect(treeDifferences(written, produced(name), isRuntime)).toEqual([]);
  });
});

// ---- what each case is there for (so a golden accepted in a hurry cannot quietly drop it)

describe("mesh-istio", () => {
  const routes = (file: string): Array<Record<string, any>> => doc("mesh-istio", file).spec.http as Array<Record<string, any>>;

  it("the mesh retries gRPC statuses on the default route, never for a method that is not idempotent", () => {
    const http = routes("istio/stock/virtual-service.yaml");
    const byName = new Map(http.map((r) => [r.name as string, r]));
    expect([...byName.keys()]).toEqual(["800ms", "connect-retry", "default"]);
    const retryOn = (r: Record<string, any>): string[] => String(r.retries.retryOn).split(",");
    expect(retryOn(byName.get("default")!)).toEqual(expect.arrayContaining(["unavailable", "resource-exhausted"]));
    expect(byName.get("default")!.retries.attempts).toBe(2);
    // Reserve (no idempotency level): only what never reached the server.
    expect(byName.get("connect-retry")!.match).toEqual([
      { name: "stock.v1.Stock/Reserve", uri: { exact: "/stock.v1.Stock/Reserve" }, method: { exact: "POST" } },
    ]);
    expect(retryOn(byName.get("connect-retry")!)).toEqual(["connect-failure", "refused-stream"]);
    // Release: its own timeout_ms, still retried on the gRPC statuses.
    expect(byName.get("800ms")!.timeout).toBe("800ms");
    expect(retryOn(byName.get("800ms")!)).toContain("unavailable");
  });

  it("a client-owned service tells Istio not to retry", () => {
    for (const r of routes("istio/billing/virtual-service.yaml")) expect(r.retries).toEqual({ attempts: 0 });
  });

  it("header routes go first (to v2), the weighted 90/10 split catches the rest, per-operation routes inside each", () => {
    const http = routes("istio/users/virtual-service.yaml");
    expect(http.map((r) => r.name)).toEqual(["route-1-1500ms", "route-1-connect-retry", "route-1", "1500ms", "connect-retry", "default"]);
    for (const r of http.slice(0, 3)) {
      expect(r.route).toEqual([{ destination: { host: "users-api.shop.svc.corp.example", subset: "v2" } }]);
      for (const m of r.match) expect(m.headers).toEqual({ "x-canary": { exact: "true" } });
    }
    for (const r of http.slice(3)) expect(r.route.map((d: any) => [d.destination.subset, d.weight])).toEqual([["v1", 90], ["v2", 10]]);
    // deleteUser (idempotent = false) is not retried once sent; getMe has its own 1.5 s.
    const noRetry = http.find((r) => r.name === "connect-retry")!;
    expect(noRetry.match.map((m: any) => m.name)).toEqual(["createUser", "deleteUser"]);
    expect(noRetry.retries.retryOn).toBe("connect-failure,refused-stream");
    expect(http.find((r) => r.name === "1500ms")!.timeout).toBe("1500ms");
    expect(http.find((r) => r.name === "default")!.retries.retryOn).toBe("connect-failure,refused-stream,reset,503");
  });

  it("outlier detection derived from circuit_breaker, explicit, or off; the connection pool as configured", () => {
    const policy = (key: string): Record<string, any> => doc("mesh-istio", `istio/${key}/destination-rule.yaml`).spec.trafficPolicy as Record<string, any>;
    expect(policy("users").outlierDetection).toEqual({ consecutive5xxErrors: 7, interval: "10s", baseEjectionTime: "15s", maxEjectionPercent: 30 });
    expect(policy("billing").outlierDetection).toEqual({
      consecutive5xxErrors: 3,
      interval: "5s",
      baseEjectionTime: "1m",
      maxEjectionPercent: 20,
      minHealthPercent: 50,
    });
    expect(policy("stock").outlierDetection).toBeUndefined();
    expect(policy("users").loadBalancer).toEqual({ consistentHash: { httpHeaderName: "x-user-id" } });
    expect(policy("users").connectionPool).toEqual({
      tcp: { maxConnections: 100, connectTimeout: "750ms" },
      http: { http1MaxPendingRequests: 50, http2MaxRequests: 1000, maxRequestsPerConnection: 10, maxRetries: 3, idleTimeout: "30s" },
    });
    expect(doc("mesh-istio", "istio/users/destination-rule.yaml").spec.subsets).toEqual([
      { name: "v1", labels: { version: "v1" } },
      { name: "v2", labels: { track: "canary", version: "v2" } },
    ]);
  });

  it("the caller's Sidecar ([service] name) reaches exactly its services, in their namespaces on the cluster domain", () => {
    const sidecar = doc("mesh-istio", "istio/sidecar.yaml");
    expect(sidecar.metadata.name).toBe("order-api");
    expect(sidecar.spec.workloadSelector).toEqual({ labels: { app: "order-api" } });
    expect(sidecar.spec.egress).toEqual([
      {
        hosts: [
          "payments/billing-api.payments.svc.corp.example",
          "shop/stock-api.shop.svc.corp.example",
          "shop/users-api.shop.svc.corp.example",
        ],
      },
    ]);
  });
});

describe("mesh-linkerd", () => {
  const annotations = (key: string): Record<string, string> => doc("mesh-linkerd", `k8s/${key}/service.yaml`).metadata.annotations ?? {};
  const accrual = (a: Record<string, string>): Record<string, string> =>
    Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith("balancer.linkerd.io/")));

  it("failure accrual derived from circuit_breaker, explicit, or off", () => {
    expect(accrual(annotations("payments"))).toEqual({
      "balancer.linkerd.io/failure-accrual": "consecutive",
      "balancer.linkerd.io/failure-accrual-consecutive-max-failures": "4",
      "balancer.linkerd.io/failure-accrual-consecutive-min-penalty": "20s",
      "balancer.linkerd.io/failure-accrual-consecutive-max-penalty": "20s",
    });
    expect(accrual(annotations("ledger"))).toEqual({
      "balancer.linkerd.io/failure-accrual": "consecutive",
      "balancer.linkerd.io/failure-accrual-consecutive-max-failures": "9",
      "balancer.linkerd.io/failure-accrual-consecutive-min-penalty": "500ms",
      "balancer.linkerd.io/failure-accrual-consecutive-max-penalty": "45s",
      "balancer.linkerd.io/failure-accrual-consecutive-jitter-ratio": "0.25",
    });
    expect(accrual(annotations("fraud"))).toEqual({});
  });

  it("retries on the Service when the mesh owns them (gRPC statuses included), none when the client does", () => {
    expect(annotations("payments")).toMatchObject({ "retry.linkerd.io/limit": "2", "retry.linkerd.io/http": "429,502-503", "timeout.linkerd.io/request": "6s" });
    expect(annotations("fraud")).toMatchObject({ "retry.linkerd.io/limit": "2", "retry.linkerd.io/grpc": "deadline-exceeded,unavailable" });
    expect(Object.keys(annotations("ledger")).filter((k) => k.startsWith("retry."))).toEqual([]);
    expect(annotations("ledger")["timeout.linkerd.io/request"]).toBe("2500ms");
  });

  it("HTTPRoutes carry per-operation timeouts and switch retries off for an operation made non-idempotent", () => {
    const names = [...docs("mesh-linkerd").keys()].filter((p) => p.startsWith("linkerd/payments/http-route-"));
    expect(names).toEqual(["linkerd/payments/http-route-1200ms.yaml", "linkerd/payments/http-route-default.yaml", "linkerd/payments/http-route-no-retry.yaml"]);
    const timed = doc("mesh-linkerd", "linkerd/payments/http-route-1200ms.yaml");
    expect(timed.metadata.annotations?.["timeout.linkerd.io/request"]).toBe("1200ms");
    expect(timed.spec.rules).toEqual([
      { matches: [{ path: { type: "Exact", value: "/v2/payments/latest" }, method: "GET" }], backendRefs: [{ name: "payments-api", port: 8080 }] },
    ]);
    const noRetry = doc("mesh-linkerd", "linkerd/payments/http-route-no-retry.yaml");
    expect(noRetry.metadata.annotations).toEqual({ "retry.linkerd.io/limit": "0" });
    expect((noRetry.spec.rules as any[])[0].matches).toEqual([{ path: { type: "RegularExpression", value: "/v2/payments/[^/]+" }, method: "PUT" }]);
  });

  it("GRPCRoutes on grpc_port for FileReport (no retries) and Rescore (own timeout), plus the catch-all", () => {
    const noRetry = doc("mesh-linkerd", "linkerd/fraud/grpc-route-grpc-no-retry.yaml");
    expect(noRetry.metadata.annotations).toEqual({ "retry.linkerd.io/limit": "0" });
    expect((noRetry.spec.rules as any[])[0].matches).toEqual([{ method: { type: "Exact", service: "fraud.v1.Fraud", method: "FileReport" } }]);
    const timed = doc("mesh-linkerd", "linkerd/fraud/grpc-route-grpc-900ms.yaml");
    expect(timed.metadata.annotations).toMatchObject({ "timeout.linkerd.io/request": "900ms", "retry.linkerd.io/grpc": "deadline-exceeded,unavailable" });
    expect(doc("mesh-linkerd", "linkerd/fraud/grpc-route-grpc-default.yaml").spec.rules).toEqual([{ backendRefs: [{ name: "fraud-api", port: 9090 }] }]);
  });

  it("the ServiceProfile has the configured retry budget and marks the non-idempotent route not retryable", () => {
    const profile = doc("mesh-linkerd", "linkerd/payments/service-profile.yaml");
    expect(profile.metadata.name).toBe("payments-api.money.svc.cluster.local");
    expect(profile.spec.retryBudget).toEqual({ retryRatio: 0.1, minRetriesPerSecond: 5, ttl: "15s" });
    const routes = profile.spec.routes as Array<{ name: string; isRetryable: boolean; timeout: string }>;
    expect(routes.map((r) => [r.name, r.isRetryable, r.timeout])).toEqual([
      ["POST /v2/payments", true, "6s"],
      ["GET /v2/payments/latest", true, "1200ms"],
      ["GET /v2/payments", true, "6s"],
      ["PUT /v2/payments/{id}", false, "6s"],
      ["GET /v2/payments/{id}", true, "6s"],
    ]);
    expect(existsSync(path.join(GOLDEN, "mesh-linkerd", "expected", "linkerd", "ledger", "service-profile.yaml"))).toBe(false);
  });
});

describe("mesh-gateway", () => {
  const grpcRoutes = (): Map<string, Doc> => new Map([...docs("mesh-gateway")].filter(([, d]) => d.kind === "GRPCRoute"));

  it("every GRPCRoute is Gateway API v1, attached to the Service's renamed gRPC port", () => {
    const service = doc("mesh-gateway", "k8s/search/service.yaml");
    expect(service.metadata.namespace).toBeUndefined();
    const ports = service.spec.ports as Array<{ name: string; port: number; appProtocol: string }>;
    expect(ports.map((p) => [p.name, p.port, p.appProtocol])).toEqual([["web", 8080, "http"], ["rpc", 50051, "kubernetes.io/h2c"]]);
    expect([...grpcRoutes().keys()]).toEqual([
      "linkerd/search/grpc-route-grpc-250ms.yaml",
      "linkerd/search/grpc-route-grpc-default.yaml",
      "linkerd/search/grpc-route-grpc-no-retry.yaml",
    ]);
    for (const d of grpcRoutes().values()) {
      expect(d.apiVersion).toBe("gateway.networking.k8s.io/v1");
      expect(d.spec.parentRefs).toEqual([{ name: "search-api", group: "core", kind: "Service", port: 50051 }]);
    }
  });

  it("methods with one policy share a route across proto services; nine matches become rules of 8 and 1", () => {
    const rules = (file: string): Array<{ matches?: Array<{ method: { service: string; method: string } }> }> =>
      doc("mesh-gateway", `linkerd/search/${file}`).spec.rules as Array<{ matches?: Array<{ method: { service: string; method: string } }> }>;
    const names = (r: ReturnType<typeof rules>): string[][] => r.map((rule) => (rule.matches ?? []).map((m) => `${m.method.service}/${m.method.method}`));
    expect(names(rules("grpc-route-grpc-250ms.yaml"))).toEqual([["search.v1.Query/Suggest", "search.v1.Query/Explain"]]);
    const indexer = ["Add", "Remove", "Merge", "Split", "Flush", "Compact", "Reindex", "Snapshot", "Restore"].map((m) => `search.v1.Indexer/${m}`);
    expect(names(rules("grpc-route-grpc-no-retry.yaml"))).toEqual([indexer.slice(0, 8), indexer.slice(8)]);
    expect(rules("grpc-route-grpc-default.yaml")).toEqual([{ backendRefs: [{ name: "search-api", port: 50051 }] }]);
    expect(grpcRoutes().get("linkerd/search/grpc-route-grpc-250ms.yaml")!.metadata.annotations).toMatchObject({
      "timeout.linkerd.io/request": "250ms",
      "retry.linkerd.io/grpc": "unavailable",
    });
  });

  it("the HTTP port keeps Linkerd's policy.linkerd.io HTTPRoutes on its own port", () => {
    const http = [...docs("mesh-gateway").values()].filter((d) => d.kind === "HTTPRoute");
    expect(http.map((d) => [d.apiVersion, d.metadata.name])).toEqual([
      ["policy.linkerd.io/v1beta3", "search-api-default"],
      ["policy.linkerd.io/v1beta3", "search-api-no-retry"],
    ]);
    for (const d of http) expect((d.spec.parentRefs as Array<{ port: number }>)[0]!.port).toBe(8080);
  });
});

describe("proto-streaming", () => {
  it("generates one client method per RPC, each with its streaming shape", () => {
    const index = file("proto-streaming", "clients/orders/index.ts");
    for (const [method, call] of [
      ["getOrder", "unary"],
      ["putOrder", "unary"],
      ["placeOrder", "unary"],
      ["cancelOrder", "unary"],
      ["listOrders", "serverStream"],
      ["uploadLines", "clientStream"],
      ["track", "bidiStream"],
    ]) {
      expect(index).toMatch(new RegExp(`\\n {6}${method}: \\(requests?, options\\) => runtime\\.${call}\\(Orders\\.method\\.${method}, `));
    }
    expect(file("proto-streaming", "clients/orders/grpc.ts")).toContain(
      'listOrders: { methodKind: "server_streaming"; input: typeof ListOrdersRequestSchema; output: typeof OrderSchema };',
    );
    expect(produced("proto-streaming").map((f) => f.path)).toEqual([
      "clients/index.ts",
      "clients/orders/grpc.ts",
      "clients/orders/index.ts",
      "k8s/orders/service.yaml",
    ]);
  });

  it("bakes services.toml's per-method overrides over the .proto's idempotency levels, and the levels into the docs", async () => {
    // The module the CLI wrote, loaded as an application would.
    expect((await cliRun("proto-streaming")).code).toBe(0);
    const index = path.join(OUT, "proto-streaming", "generated", "clients", "orders", "index.ts");
    const mod = (await import(pathToFileURL(index).href)) as { ordersGrpcDefinition: { grpcRetryOn: string[]; methods: unknown[] } };
    expect(mod.ordersGrpcDefinition.grpcRetryOn).toEqual(["UNAVAILABLE", "ABORTED"]);
    expect(mod.ordersGrpcDefinition.methods).toEqual([
      { name: "orders.v1.Orders/PutOrder", idempotent: false, timeoutMs: 1500 },
      { name: "orders.v1.Orders/PlaceOrder", idempotent: true },
      { name: "orders.v1.Orders/ListOrders", timeoutMs: 60000 },
    ]);
    const text = file("proto-streaming", "clients/orders/index.ts");
    const doc = (rpc: string): string => new RegExp(`\`/orders\\.v1\\.Orders/${rpc}\` \\([^)]*\\)\\. ([^\\n]*)`).exec(text)?.[1] ?? "";
    expect(doc("GetOrder")).toBe("Idempotent: retried on UNAVAILABLE, ABORTED.");
    expect(doc("PutOrder")).toMatch(/^Not declared idempotent \(services\.toml\)/);
    expect(doc("PlaceOrder")).toBe("Idempotent (services.toml): retried on UNAVAILABLE, ABORTED.");
    expect(doc("CancelOrder")).toMatch(/^Not declared idempotent:/);
    expect(doc("ListOrders")).toMatch(/^Idempotent: retried on UNAVAILABLE, ABORTED until the first response message\./);
    expect(doc("Track")).toMatch(/^Not declared idempotent:/);
  });
});
