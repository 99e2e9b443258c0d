// Keys that tune the runtime's connections and probes: max_connection_age_ms, cluster_domain and health_check.
// Each is carried into the model only when services.toml sets it (the runtime has the same defaults), so
// definitions of configs without them do not change.
import { describe, expect, it } from "vitest";
import { configOf, printed } from "./helpers.js";

const svc = (body: string): string => `[external_services.users_service]\nurl = "http://users-api:8080"\n${body}\n`;

describe("max_connection_age_ms and cluster_domain", () => {
  it("are absent from the model unless set", () => {
    const [s] = configOf(svc("")).services;
    expect(s!.discovery).toEqual({ kind: "dns", endpoints: [], dnsServers: [] });
    expect(s!.policy.healthCheck).toBeUndefined();
  });

  it("are read per service, 0 included, and inherited from [defaults]", () => {
    const config = configOf(
      `[defaults]\nmax_connection_age_ms = 30000\ncluster_domain = "corp.example"\n` +
        `[external_services.a]\nurl = "http://a:1"\nmax_connection_age_ms = 0\n` +
        `[external_services.b]\nurl = "http://b:1"\ncluster_domain = "cluster.local"\n`,
    );
    expect(config.services.map((s) => s.discovery)).toEqual([
      { kind: "dns", endpoints: [], dnsServers: [], maxConnectionAgeMs: 0, clusterDomain: "corp.example" },
      { kind: "dns", endpoints: [], dnsServers: [], maxConnectionAgeMs: 30000, clusterDomain: "cluster.local" },
    ]);
  });

  it.each([
    ["a negative age", "max_connection_age_ms = -1", 'services.toml:3:25: error: "max_connection_age_ms" must be a non-negative integer (milliseconds), got -1'],
    ["a fractional age", "max_connection_age_ms = 1.5", 'services.toml:3:25: error: "max_connection_age_ms" must be a non-negative integer (milliseconds), got 1.5'],
    ["an upper-case domain", 'cluster_domain = "Cluster.Local"', 'services.toml:3:18: error: "cluster_domain" must be a DNS name (DNS labels joined by ".", at most 253 characters), got "Cluster.Local"'],
    ["an empty label", 'cluster_domain = "cluster..local"', 'services.toml:3:18: error: "cluster_domain" must be a DNS name (DNS labels joined by ".", at most 253 characters), got "cluster..local"'],
    ["a label over 63 characters", `cluster_domain = "${"a".repeat(64)}.local"`, `services.toml:3:18: error: "cluster_domain" must be a DNS name (DNS labels joined by ".", at most 253 characters), got "${"a".repeat(64)}.local"`],
  ])("rejects %s at the value", (_name, line, want) => {
    expect(printed(svc(line))).toEqual([want]);
  });
});

describe("health_check", () => {
  it("resolves every probe setting for health_aware; timeout_ms follows interval_ms unless set", () => {
    const [a, b] = configOf(
      `[defaults]\nload_balancer = "health_aware"\nhealth_check = { jitter = 0.5 }\n` +
        `[external_services.a]\nurl = "http://a:1"\nhealth_check = { interval_ms = 800, path = "health" }\n` +
        `[external_services.b]\nurl = "http://b:1"\n[external_services.b.health_check]\ninterval_ms = 10000\nunhealthy_threshold = 4\nhealthy_threshold = 1\n`,
    ).services;
    expect(a!.policy.healthCheck).toEqual({ path: "health", intervalMs: 800, jitter: 0.5, timeoutMs: 800, unhealthyThreshold: 2, healthyThreshold: 3 });
    expect(b!.policy.healthCheck).toEqual({ path: "ready", intervalMs: 10000, jitter: 0.5, timeoutMs: 2000, unhealthyThreshold: 4, healthyThreshold: 1 });
    const [c] = configOf(svc('load_balancer = "health_aware"\nhealth_check.timeout_ms = 300')).services;
    expect(c!.policy.healthCheck).toEqual({ path: "ready", intervalMs: 5000, jitter: 0.2, timeoutMs: 300, unhealthyThreshold: 2, healthyThreshold: 3 });
  });

  it("is left out for health_aware without any health_check key (the runtime's defaults apply)", () => {
    const [s] = configOf(svc('load_balancer = "health_aware"')).services;
    expect(s!.policy.loadBalancer).toBe("health_aware");
    expect(s!.policy).not.toHaveProperty("healthCheck");
  });

  it.each([
    ["inline table", 'health_check = { interval_ms = 100 }', "services.toml:3:1"],
    ["dotted key", "health_check.interval_ms = 100", "services.toml:3:1"],
    ["table header", "[external_services.users_service.health_check]\ninterval_ms = 100", "services.toml:3:34"],
  ])("warns once, at the key, when set on a service whose balancer does not probe (%s)", (_name, body, at) => {
    expect(printed(svc(body))).toEqual([`${at}: warning: "health_check" is ignored unless load_balancer = "health_aware"`]);
    expect(configOf(svc(body)).services[0]!.policy).not.toHaveProperty("healthCheck");
  });

  it("does not warn for health_check in [defaults] (services may pick other balancers)", () => {
    expect(printed(`[defaults]\nhealth_check = { interval_ms = 100 }\n${svc("")}`)).toEqual([]);
  });

  it.each([
    ["an unknown key, with a suggestion", 'health_check = { intervall_ms = 5 }', 'services.toml:3:18: error: unknown key "intervall_ms" in [external_services.users_service.health_check]; did you mean "interval_ms"?'],
    ["a path that is neither", 'health_check = { path = "live" }', 'services.toml:3:25: error: "path" must be one of "ready", "health", got "live"'],
    ["a jitter above 1", "health_check = { jitter = 2 }", 'services.toml:3:27: error: "jitter" must be a number from 0 to 1, got 2'],
    ["a zero interval", "health_check = { interval_ms = 0 }", 'services.toml:3:32: error: "interval_ms" must be a positive integer (milliseconds), got 0'],
    ["a zero threshold", "health_check = { healthy_threshold = 0 }", 'services.toml:3:38: error: "healthy_threshold" must be an integer from 1 to 1000, got 0'],
    ["not a table", 'health_check = "yes"', 'services.toml:3:16: error: "health_check" must be a table, got "yes"'],
  ])("rejects %s with its position", (_name, line, want) => {
    expect(printed(svc(`${line}\nload_balancer = "health_aware"`))).toEqual([want]);
  });

  it("suggests health_check.<key> for a probe key written in the service table", () => {
    expect(printed(svc("unhealthy_threshold = 3"))).toEqual([
      'services.toml:3:1: error: unknown key "unhealthy_threshold" in [external_services.users_service]; did you mean "health_check.unhealthy_threshold"?',
    ]);
  });
});
