import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import type { ResolvedPolicy } from "../../src/model/types.js";
import { configOf, fixture, printed } from "./helpers.js";

const BUILTIN_POLICY: ResolvedPolicy = {
  timeoutMs: 10000,
  connectTimeoutMs: 5000,
  retry: {
    maxAttempts: 3,
    initialBackoffMs: 100,
    maxBackoffMs: 2000,
    jitter: "full",
    retryOnConnect: true,
    retryOnTimeout: true,
    retryOnStatus: [429, 502, 503, 504],
    budgetRatio: 0.2,
  },
  circuitBreaker: { enabled: true, mode: "consecutive", failureThreshold: 5, openMs: 30000, halfOpenRequests: 1, maxEjectionPercent: 50 },
  loadBalancer: "round_robin",
};

const at = (line: number, column: number) => ({ file: "services.toml", line, column });

describe("seed (acton-service) form", () => {
  it("reads [service].name and bare URL strings with built-in policies", () => {
    const config = configOf(fixture("seed.toml"));
    expect(config.caller).toEqual({ name: "order-api", location: at(4, 1) });
    expect(config.services.map((s) => s.key)).toEqual(["auth_service", "payments_service", "users_service"]);
    expect(config.services[0]).toEqual({
      key: "auth_service",
      location: at(7, 1),
      url: "http://auth-api:8080",
      scheme: "http",
      host: "auth-api",
      port: 8080,
      basePath: "",
      discovery: { kind: "dns", endpoints: [], dnsServers: [] },
      policy: BUILTIN_POLICY,
      mesh: { kind: "none", retry_owner: "client" },
      healthPath: "/health",
      readyPath: "/ready",
      refRoots: [],
      operations: [],
    });
  });

  it("keeps the file name as given and reports nothing", () => {
    const result = parseConfig(fixture("seed.toml"), "config/services.toml");
    expect(result.diagnostics).toEqual([]);
    expect(result.config?.file).toBe("config/services.toml");
    expect(result.config?.services[2]?.location).toEqual({ file: "config/services.toml", line: 8, column: 1 });
  });

  it("accepts a file without [service] or [external_services]", () => {
    expect(configOf("")).toEqual({ file: "services.toml", services: [] });
  });
});

describe("table form", () => {
  const config = configOf(fixture("table.toml"));
  const service = (key: string) => config.services.find((s) => s.key === key)!;

  it("reads every per-service key", () => {
    expect(service("users_service")).toEqual({
      key: "users_service",
      location: at(7, 20),
      url: "https://users-api.prod.svc.cluster.local:8443/v1/",
      scheme: "https",
      host: "users-api.prod.svc.cluster.local",
      port: 8443,
      basePath: "/v1",
      namespace: "prod",
      openapi: { path: "specs/users.yaml", location: at(9, 1) },
      discovery: {
        kind: "headless",
        headlessName: "users-api-pods",
        endpoints: [],
        refreshMs: 5000,
        dnsServers: ["10.96.0.10:53", "[fd00::a]:53"],
      },
      policy: {
        timeoutMs: 2500,
        connectTimeoutMs: 500,
        retry: {
          maxAttempts: 4,
          initialBackoffMs: 50,
          maxBackoffMs: 800,
          jitter: "none",
          retryOnConnect: true,
          retryOnTimeout: true,
          retryOnStatus: [429, 503],
          budgetRatio: 0.1,
        },
        circuitBreaker: {
          enabled: true,
          mode: "rate",
          failureRate: 0.5,
          minRequests: 20,
          windowMs: 60000,
          openMs: 15000,
          halfOpenRequests: 2,
          maxEjectionPercent: 50,
        },
        loadBalancer: "consistent_hash",
        hashHeader: "x-user-id",
      },
      mesh: {
        kind: "istio",
        retry_owner: "mesh",
        subsets: { v1: { version: "v1" }, v2: { version: "v2" } },
        outlier_detection: { consecutive_5xx_errors: 5 },
      },
      healthPath: "/healthz",
      readyPath: "/readyz",
      refRoots: [],
      operations: [
        { operationId: "createUser", idempotent: true, location: at(46, 45) },
        { operationId: "getUser", timeoutMs: 800, location: at(43, 45) },
      ],
    });
  });

  it("reads proto as a list or a single string, gRPC port, inline sub-tables", () => {
    const auth = service("auth_service");
    expect(auth.proto).toEqual({
      paths: ["protos/auth.proto", "protos/token.proto"],
      protoPaths: ["protos", "third_party"],
      location: at(51, 1),
    });
    expect(auth.grpcPort).toBe(8081);
    expect(auth.policy.circuitBreaker).toEqual({ enabled: false });
    expect(auth.policy.loadBalancer).toBe("failover");
    expect(auth.mesh).toEqual({ kind: "linkerd", retry_owner: "client" });
    expect(service("payments_service").proto).toEqual({ paths: ["protos/payments.proto"], protoPaths: [], location: at(60, 1) });
  });

  it("reads static endpoints in order, with default ports and IPv6 brackets", () => {
    const payments = service("payments_service");
    expect(payments.discovery).toEqual({
      kind: "static",
      endpoints: [
        { scheme: "http", host: "10.0.0.5", port: 8080 },
        { scheme: "https", host: "10.0.0.6", port: 443 },
        { scheme: "http", host: "[fd00::6]", port: 9000 },
      ],
      dnsServers: [],
    });
    expect(payments.port).toBe(80);
    expect(payments.policy.retry.maxAttempts).toBe(1);
  });

  it("ignores acton-service keys in [service] and other top-level tables", () => {
    const text = `[service]\nname = "order-api"\nport = 8080\nlog_level = "info"\n\n[database]\nurl = "postgres://db"\n\n[rate_limit]\nper_user_rpm = 100\n`;
    expect(parseConfig(text, "services.toml").diagnostics).toEqual([]);
  });
});

describe("precedence: built-in → [resilience] → [defaults] → service", () => {
  const config = configOf(fixture("defaults.toml"));
  const [auth, users] = config.services;

  it("applies [resilience] and [defaults] to a bare-URL service", () => {
    expect(auth?.namespace).toBe("shop");
    expect(auth?.policy).toEqual({
      timeoutMs: 3000, // [defaults]
      connectTimeoutMs: 5000, // built-in
      retry: {
        maxAttempts: 5, // [resilience] retry_max_attempts
        initialBackoffMs: 200, // [defaults]
        maxBackoffMs: 2000,
        jitter: "full",
        retryOnConnect: true,
        retryOnTimeout: false, // [defaults] replaced the whole list
        retryOnStatus: [503],
        budgetRatio: 0.2,
      },
      circuitBreaker: {
        enabled: true,
        mode: "consecutive",
        failureThreshold: 8, // [resilience] circuit_breaker_threshold
        openMs: 20000, // [defaults] beats circuit_breaker_timeout_secs = 45
        halfOpenRequests: 1,
        maxEjectionPercent: 50,
      },
      loadBalancer: "health_aware",
    });
    expect(auth?.mesh).toEqual({ kind: "istio", retry_owner: "client", timeout_ms: 5000 });
  });

  it("lets the service table win key by key and switch the breaker to rate mode", () => {
    expect(users?.policy.timeoutMs).toBe(1500);
    expect(users?.policy.retry.maxAttempts).toBe(2);
    expect(users?.policy.retry.initialBackoffMs).toBe(200);
    expect(users?.policy.circuitBreaker).toEqual({
      enabled: true,
      mode: "rate",
      failureRate: 0.25,
      minRequests: 10,
      windowMs: 10000,
      openMs: 20000,
      halfOpenRequests: 1,
      maxEjectionPercent: 50,
    });
    expect(users?.mesh).toEqual({ kind: "istio", retry_owner: "mesh", timeout_ms: 5000 });
  });

  it("lets a service go back to consecutive mode over a rate-mode [defaults]", () => {
    const text = `[defaults]\ncircuit_breaker = { failure_rate = 0.5 }\n[external_services.a]\nurl = "http://a"\ncircuit_breaker.failure_threshold = 2\n`;
    expect(configOf(text).services[0]?.policy.circuitBreaker).toMatchObject({ mode: "consecutive", failureThreshold: 2 });
  });
});

describe("[resilience] mapping", () => {
  const policyOf = (resilience: string) =>
    configOf(`[resilience]\n${resilience}\n[external_services]\na = "http://a"\n`).services[0]!.policy;

  it.each([
    ["circuit_breaker_enabled = false", { circuitBreaker: { enabled: false } }],
    ["circuit_breaker_threshold = 9", { circuitBreaker: { ...BUILTIN_POLICY.circuitBreaker, failureThreshold: 9 } }],
    ["circuit_breaker_timeout_secs = 12", { circuitBreaker: { ...BUILTIN_POLICY.circuitBreaker, openMs: 12000 } }],
    ["retry_max_attempts = 6", { retry: { ...BUILTIN_POLICY.retry, maxAttempts: 6 } }],
    ["retry_enabled = false", { retry: { ...BUILTIN_POLICY.retry, maxAttempts: 1 } }],
    ["retry_enabled = false\nretry_max_attempts = 6", { retry: { ...BUILTIN_POLICY.retry, maxAttempts: 1 } }],
    ["retry_enabled = true", { retry: BUILTIN_POLICY.retry }],
  ])("%s", (resilience, want) => {
    expect(policyOf(resilience)).toEqual({ ...BUILTIN_POLICY, ...want });
  });

  it("is overridden by [defaults]", () => {
    const text = `[resilience]\nretry_enabled = false\n[defaults]\nretry.max_attempts = 4\n[external_services]\na = "http://a"\n`;
    expect(configOf(text).services[0]?.policy.retry.maxAttempts).toBe(4);
  });
});

describe("normalisation", () => {
  it.each([
    ["http://users-api", { scheme: "http", host: "users-api", port: 80, basePath: "" }],
    ["https://users-api/", { scheme: "https", host: "users-api", port: 443, basePath: "" }],
    ["HTTP://Users-API:8080/api/v2//", { scheme: "http", host: "users-api", port: 8080, basePath: "/api/v2" }],
    ["http://127.0.0.1:9000/x", { scheme: "http", host: "127.0.0.1", port: 9000, basePath: "/x" }],
    ["http://[::1]:9000", { scheme: "http", host: "[::1]", port: 9000, basePath: "" }],
  ])("url %s", (url, want) => {
    const service = configOf(`[external_services]\na = "${url}"\n`).services[0];
    expect(service).toMatchObject({ url, ...want });
  });

  it("derives the headless Service name from the first host label", () => {
    const text = `[external_services.a]\nurl = "http://auth-api.default.svc.cluster.local:8081"\ndiscovery = "headless"\n`;
    expect(configOf(text).services[0]?.discovery).toEqual({
      kind: "headless",
      headlessName: "auth-api-headless",
      endpoints: [],
      refreshMs: 10000,
      dnsServers: [],
    });
  });

  it("writes spec paths with forward slashes", () => {
    const text = `[external_services.a]\nurl = "http://a"\nopenapi = 'specs\\a.yaml'\n`;
    expect(configOf(text).services[0]?.openapi?.path).toBe("specs/a.yaml");
  });

  it("sorts services by key with a code-point comparator", () => {
    const text = `[external_services]\nb = "http://b"\nC = "http://c"\na_2 = "http://d"\n`;
    expect(configOf(text).services.map((s) => s.key)).toEqual(["C", "a_2", "b"]);
  });

  it("reads mesh settings as checked plain data in TOML's names, [defaults] merged key by key", () => {
    const text = `[defaults.mesh.retries]
attempts = 1

[external_services.a]
url = "http://a"

[external_services.a.mesh]
kind = "istio"
outlier_detection = false
subsets = { v1 = { version = "v1" } }
retries = { retry_on = ["connect", 503] }

[[external_services.a.mesh.routes]]
headers = { "x-canary" = "1", "x-user" = { prefix = "test-" } }
subset = "v1"
`;
    expect(configOf(text).services[0]?.mesh).toEqual({
      kind: "istio",
      retry_owner: "client",
      outlier_detection: false,
      subsets: { v1: { version: "v1" } },
      retries: { attempts: 1, retry_on: ["connect", 503] },
      routes: [{ headers: { "x-canary": { exact: "1" }, "x-user": { prefix: "test-" } }, subset: "v1" }],
    });
  });

  it("strips a byte-order mark before counting columns", () => {
    expect(printed("\uFEFF[external_services]\na = 1\n")).toEqual([
      'services.toml:2:5: error: "a" must be a URL string or a table, got 1',
    ]);
  });
});

describe("attempt_timeout_ms", () => {
  it("is absent unless set, inherits from [defaults] and a service value wins", () => {
    const config = configOf(`[defaults]
attempt_timeout_ms = 1500

[external_services.a]
url = "http://a:8080"

[external_services.b]
url = "http://b:8080"
attempt_timeout_ms = 300

[external_services.c]
url = "http://c:8080"
`);
    expect(config.services.map((s) => [s.key, s.policy.attemptTimeoutMs])).toEqual([
      ["a", 1500],
      ["b", 300],
      ["c", 1500],
    ]);
    expect(configOf(`[external_services.a]\nurl = "http://a:8080"\n`).services[0]!.policy).not.toHaveProperty("attemptTimeoutMs");
  });

  it("rejects a value that is not a positive integer", () => {
    const result = parseConfig(`[external_services.a]\nurl = "http://a:8080"\nattempt_timeout_ms = 0\n`, "services.toml");
    expect(result.diagnostics.map((d) => [d.severity, d.location.line])).toEqual([["error", 3]]);
  });
});
