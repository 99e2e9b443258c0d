// Where a service lives: option → env <KEY>_URL → Kubernetes <HOST>_SERVICE_HOST/PORT → configured URL.
import { describe, expect, it } from "vitest";
import { resolveBase, envKey } from "../../src/runtime/base-url.js";
import { createServiceClient, isConfigError, isEndpointSetError } from "../../src/runtime/index.js";
import { service } from "./support/service.js";

const def = service("http://users-api:8080", { basePath: "/v1" });

describe("base URL resolution", () => {
  const rows: [string, { baseUrl?: string; env: Record<string, string>; ns?: string; want: { baseUrl: string; source: string; endpoints: string[] } }][] = [
    ["option wins over everything", { baseUrl: "http://localhost:3000/api/", env: { USERS_SERVICE_URL: "http://other:1" }, want: { baseUrl: "http://localhost:3000/api", source: "option", endpoints: ["http://localhost:3000"] } }],
    ["env <KEY>_URL", { env: { USERS_SERVICE_URL: "https://users.example.com", USERS_API_SERVICE_HOST: "10.0.0.1" }, want: { baseUrl: "https://users.example.com", source: "env:USERS_SERVICE_URL", endpoints: ["https://users.example.com:443"] } }],
    ["Kubernetes service host and port", { env: { USERS_API_SERVICE_HOST: "10.96.0.10", USERS_API_SERVICE_PORT: "9090" }, want: { baseUrl: "http://10.96.0.10:9090/v1", source: "env:USERS_API_SERVICE_HOST", endpoints: ["http://10.96.0.10:9090"] } }],
    ["Kubernetes host without port keeps the configured port", { env: { USERS_API_SERVICE_HOST: "10.96.0.10" }, want: { baseUrl: "http://10.96.0.10:8080/v1", source: "env:USERS_API_SERVICE_HOST", endpoints: ["http://10.96.0.10:8080"] } }],
    ["Kubernetes IPv6 host", { env: { USERS_API_SERVICE_HOST: "fd00::1" }, want: { baseUrl: "http://[fd00::1]:8080/v1", source: "env:USERS_API_SERVICE_HOST", endpoints: ["http://[fd00::1]:8080"] } }],
    ["configured URL", { env: {}, want: { baseUrl: "http://users-api:8080/v1", source: "config", endpoints: ["http://users-api:8080"] } }],
    ["configured URL qualified by namespace", { env: {}, ns: "prod", want: { baseUrl: "http://users-api.prod.svc.cluster.local:8080/v1", source: "config", endpoints: ["http://users-api.prod.svc.cluster.local:8080"] } }],
    ["empty env values are ignored", { env: { USERS_SERVICE_URL: "", USERS_API_SERVICE_HOST: "" }, want: { baseUrl: "http://users-api:8080/v1", source: "config", endpoints: ["http://users-api:8080"] } }],
  ];
  it.each(rows)("%s", (_name, { baseUrl, env, ns, want }) => {
    const d = ns === undefined ? def : service("http://users-api:8080", { basePath: "/v1", namespace: ns });
    const got = resolveBase(d, baseUrl, env);
    expect({ baseUrl: got.baseUrl, source: got.source, endpoints: got.endpoints.map((e) => e.origin) }).toEqual(want);
  });

  it("does not qualify a host that is already a FQDN or address", () => {
    const d = service("http://users.internal.example:8080", { namespace: "prod" });
    expect(resolveBase(d, undefined, {}).baseUrl).toBe("http://users.internal.example:8080");
  });

  it.each([
    ["USERS_SERVICE_URL", { USERS_SERVICE_URL: "not a url" }, /USERS_SERVICE_URL is not a valid URL/],
    ["USERS_SERVICE_URL", { USERS_SERVICE_URL: "ftp://x" }, /USERS_SERVICE_URL must be an http/],
    ["USERS_API_SERVICE_PORT", { USERS_API_SERVICE_HOST: "10.0.0.1", USERS_API_SERVICE_PORT: "http" }, /USERS_API_SERVICE_PORT must be a port number/],
    ["USERS_API_SERVICE_PORT", { USERS_API_SERVICE_HOST: "10.0.0.1", USERS_API_SERVICE_PORT: "70000" }, /USERS_API_SERVICE_PORT must be a port number/],
    ["USERS_API_SERVICE_HOST", { USERS_API_SERVICE_HOST: "a/b" }, /USERS_API_SERVICE_HOST is not a host/],
    ["USERS_API_SERVICE_HOST", { USERS_API_SERVICE_HOST: "10.0.0.1:80" }, /USERS_API_SERVICE_HOST is not a host name or IP address: "10.0.0.1:80"/],
    ["USERS_API_SERVICE_HOST", { USERS_API_SERVICE_HOST: "http://x" }, /USERS_API_SERVICE_HOST is not a host/],
    ["USERS_API_SERVICE_PORT_HTTP", { USERS_API_SERVICE_HOST: "10.0.0.1", USERS_API_SERVICE_PORT_HTTP: "0" }, /USERS_API_SERVICE_PORT_HTTP must be a port number \(1-65535\), got "0"/],
    ["USERS_SERVICE_URL", { USERS_SERVICE_URL: "http://user:pw@x" }, /USERS_SERVICE_URL must not carry user info/],
  ])("an invalid %s is a clear ConfigError naming the variable", (variable, env, message) => {
    let err: unknown;
    try {
      createServiceClient(def, { env });
    } catch (e) {
      err = e;
    }
    expect(isConfigError(err)).toBe(true);
    expect((err as { variable: string }).variable).toBe(variable);
    expect((err as Error).message).toMatch(message);
  });

  it("maps names to environment keys", () => {
    expect(envKey("users_service")).toBe("USERS_SERVICE");
    expect(envKey("users-api.prod")).toBe("USERS_API_PROD");
  });

  it("describe() reports the choice, its source, why, the endpoints, the balancer and the policy", async () => {
    const c = createServiceClient(def, { env: { USERS_SERVICE_URL: "http://127.0.0.1:9/base" } });
    expect(c.describe()).toEqual({
      service: "users_service",
      baseUrl: "http://127.0.0.1:9/base",
      source: "env:USERS_SERVICE_URL",
      reason: "USERS_SERVICE_URL is set (the override for users_service)",
      policy: def.policy,
      endpoints: ["http://127.0.0.1:9"],
      balancer: "round_robin",
      discovery: { kind: "single", dnsName: undefined, srvName: undefined, dnsServers: [], refreshMs: undefined, lastError: undefined },
    });
    await c.close();
  });

  it.each([
    ["option", { baseUrl: "http://localhost:3000" }, {}, "ClientOptions.baseUrl was given; it wins over every other source"],
    ["kubernetes, named port", {}, { USERS_API_SERVICE_HOST: "10.96.0.10", USERS_API_SERVICE_PORT: "80", USERS_API_SERVICE_PORT_HTTP: "8080" }, "USERS_SERVICE_URL is unset; USERS_API_SERVICE_HOST=10.96.0.10 and USERS_API_SERVICE_PORT_HTTP=8080 (the Kubernetes service link for users-api)"],
    ["kubernetes, plain port", {}, { USERS_API_SERVICE_HOST: "10.96.0.10", USERS_API_SERVICE_PORT: "80" }, "USERS_SERVICE_URL is unset; USERS_API_SERVICE_HOST=10.96.0.10 and USERS_API_SERVICE_PORT=80 (the Kubernetes service link for users-api)"],
    ["kubernetes, no port", {}, { USERS_API_SERVICE_HOST: "10.96.0.10" }, "USERS_SERVICE_URL is unset; USERS_API_SERVICE_HOST=10.96.0.10, no USERS_API_SERVICE_PORT_HTTP or USERS_API_SERVICE_PORT (the configured port 8080) (the Kubernetes service link for users-api)"],
    ["config", {}, {}, "USERS_SERVICE_URL and USERS_API_SERVICE_HOST are unset; the configured URL http://users-api:8080/v1"],
  ])("describe().reason says why: %s", async (_name, opts, env, reason) => {
    const c = createServiceClient(def, { ...opts, env });
    expect(c.describe().reason).toBe(reason);
    await c.close();
  });

  it("the named port variable follows the Service's port name, as the kubelet names it", () => {
    const named = service("http://users-api:8080", { discovery: { portName: "web-api" } });
    const got = resolveBase(named, undefined, { USERS_API_SERVICE_HOST: "10.0.0.7", USERS_API_SERVICE_PORT: "1", USERS_API_SERVICE_PORT_WEB_API: "9443" });
    expect(got.baseUrl).toBe("http://10.0.0.7:9443");
    const https = service("https://users-api:8443");
    expect(resolveBase(https, undefined, { USERS_API_SERVICE_HOST: "10.0.0.7", USERS_API_SERVICE_PORT_HTTPS: "8443" }).baseUrl).toBe("https://10.0.0.7:8443");
  });

  it("Kubernetes service links are not consulted for static or headless discovery", () => {
    const env = { USERS_API_SERVICE_HOST: "10.96.0.10", USERS_API_SERVICE_PORT: "8080" };
    const statics = service("http://users-api:8080", { endpoints: [{ scheme: "http", host: "10.0.0.1", port: 8080 }, { scheme: "http", host: "10.0.0.2", port: 8080 }] });
    const s = resolveBase(statics, undefined, env);
    expect([s.source, s.endpoints.map((e) => e.origin)]).toEqual(["config", ["http://10.0.0.1:8080", "http://10.0.0.2:8080"]]);
    expect(s.reason).toBe('USERS_SERVICE_URL is unset (Kubernetes service-link variables are not consulted for discovery = "static"); discovery = "static": the 2 configured endpoints');
    const headless = service("http://users-api:8080", { namespace: "prod", discovery: { kind: "headless", headlessName: "users-api-headless" } });
    expect(resolveBase(headless, undefined, env).source).toBe("headless");
    // The explicit override still wins over discovery.
    expect(resolveBase(headless, undefined, { ...env, USERS_SERVICE_URL: "http://localhost:1" }).source).toBe("env:USERS_SERVICE_URL");
  });

  it.each([
    ["configured name and namespace", { namespace: "prod", discovery: { kind: "headless" as const, headlessName: "users-api-headless" } }, "http://users-api:8080", "users-api-headless.prod.svc.cluster.local", "users-api.prod.svc.cluster.local:8080"],
    ["derived name", { namespace: "prod", discovery: { kind: "headless" as const } }, "http://users-api:8080", "users-api-headless.prod.svc.cluster.local", "users-api.prod.svc.cluster.local:8080"],
    ["namespace from a cluster host", { discovery: { kind: "headless" as const } }, "http://users-api.team-a.svc.cluster.local", "users-api-headless.team-a.svc.cluster.local", "users-api.team-a.svc.cluster.local"],
    ["a name with dots is used as it is", { namespace: "prod", discovery: { kind: "headless" as const, headlessName: "pods.example.test" } }, "https://users-api:8443", "pods.example.test", "users-api.prod.svc.cluster.local:8443"],
    ["named port", { namespace: "prod", discovery: { kind: "headless" as const, portName: "grpc-web" } }, "http://users-api:8080", "users-api-headless.prod.svc.cluster.local", "users-api.prod.svc.cluster.local:8080"],
    ["another cluster domain", { namespace: "prod", discovery: { kind: "headless" as const, clusterDomain: "corp.internal" } }, "http://users-api:8080", "users-api-headless.prod.svc.corp.internal", "users-api.prod.svc.corp.internal:8080"],
  ])("headless discovery: %s (Host header: what the Service name would carry)", (_name, o, url, dnsName, authority) => {
    const d = service(url, o);
    const got = resolveBase(d, undefined, {});
    expect(got.headless?.dnsName).toBe(dnsName);
    expect(got.headless?.srvName).toBe(`_${d.discovery.portName ?? d.scheme}._tcp.${dnsName}`);
    expect(got.authority).toBe(authority);
    expect(got.endpoints).toEqual([]);
    expect(got.reason).toContain(`pod addresses of ${dnsName}`);
  });

  it("static discovery uses the endpoint set in order and validates it", async () => {
    const d = service("http://a:1", { endpoints: [{ scheme: "http", host: "a", port: 1 }, { scheme: "http", host: "B", port: 2 }], policy: { loadBalancer: "failover" } });
    const c = createServiceClient(d, { env: {} });
    expect(c.describe().endpoints).toEqual(["http://a:1", "http://b:2"]);
    expect(c.describe().source).toBe("config");
    await c.close();
    const dup = service("http://a:1", { endpoints: [{ scheme: "http", host: "a", port: 1 }, { scheme: "http", host: "A", port: 1 }] });
    expect(() => createServiceClient(dup, { env: {} })).toThrow(expect.objectContaining({ code: "SVCGEN_ENDPOINT_SET" }));
    let err: unknown;
    try {
      createServiceClient(dup, { env: {} });
    } catch (e) {
      err = e;
    }
    expect(isEndpointSetError(err) && err.problem).toEqual({ kind: "duplicate_origin", origin: "http://a:1", first: 0, duplicate: 1 });
  });
});
