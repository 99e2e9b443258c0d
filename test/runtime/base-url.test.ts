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

  it("describe() reports the choice, its source, the endpoints and the policy", async () => {
    const c = createServiceClient(def, { env: { USERS_SERVICE_URL: "http://127.0.0.1:9/base" } });
    expect(c.describe()).toEqual({ service: "users_service", baseUrl: "http://127.0.0.1:9/base", source: "env:USERS_SERVICE_URL", policy: def.policy, endpoints: ["http://127.0.0.1:9"] });
    await c.close();
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
