import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { printed } from "./helpers.js";

const svc = (body: string) => `[external_services.users_service]\nurl = "http://users-api:8080"\n${body}\n`;

// [name, TOML, expected lines exactly as printed]
const cases: [string, string, string[]][] = [
  // syntax
  ["syntax error position", `[external_services\nx = 1\n`, ["services.toml:1:19: error: invalid TOML: illegal character in key"]],
  ["duplicate key is a syntax error", `[external_services]\na = "http://a"\na = "http://b"\n`, [
    "services.toml:3:1: error: invalid TOML: trying to redefine an already defined table or value",
  ]],
  ["unsafe key", `[external_services.__proto__]\nurl = "http://a"\n`, [
    'services.toml:1:2: error: invalid TOML: the key "__proto__" is not supported (it names a JavaScript object property); rename it',
  ]],

  // unknown keys
  ["did you mean (transposition)", svc(`retyr = { max_attempts = 2 }`), [
    'services.toml:3:1: error: unknown key "retyr" in [external_services.users_service]; did you mean "retry"?',
  ]],
  ["unknown key without suggestion", svc(`colour = "blue"`), [
    'services.toml:3:1: error: unknown key "colour" in [external_services.users_service]',
  ]],
  ["unknown key inside an inline sub-table", svc(`retry = { max_attempt = 2 }`), [
    'services.toml:3:11: error: unknown key "max_attempt" in [external_services.users_service.retry]; did you mean "max_attempts"?',
  ]],
  ["sub-table key written one level too high", svc(`max_attempts = 2`), [
    'services.toml:3:1: error: unknown key "max_attempts" in [external_services.users_service]; did you mean "retry.max_attempts"?',
  ]],
  ["unknown sub-table header points at the segment", svc(`[external_services.users_service.circuit_breakr]\nopen_ms = 1`), [
    'services.toml:3:34: error: unknown key "circuit_breakr" in [external_services.users_service]; did you mean "circuit_breaker"?',
  ]],
  ["mesh key typo: a suggestion over every mesh key, kind and retry_owner included", svc(`[external_services.users_service.mesh]\nkind = "istio"\nretry_ownr = "mesh"`), [
    'services.toml:5:1: error: unknown key "retry_ownr" in [external_services.users_service.mesh]; did you mean "retry_owner"?',
  ]],
  ["nested mesh key typo", svc(`[external_services.users_service.mesh.retries]\natempts = 2`), [
    'services.toml:4:1: error: unknown key "atempts" in [external_services.users_service.mesh.retries]; did you mean "attempts"?',
  ]],
  ["mesh key typo in an array of tables", svc(`[[external_services.users_service.mesh.routes]]\nsubst = "v1"`), [
    'services.toml:4:1: error: unknown key "subst" in [external_services.users_service.mesh.routes.0]; did you mean "subset"?',
  ]],
  ["mesh key typo in a header match", svc(`mesh.routes = [{ headers = { v = { exakt = "2" } }, subset = "v2" }]`), [
    'services.toml:3:36: error: unknown key "exakt" in [external_services.users_service.mesh.routes.0.headers.v]; did you mean "exact"?',
  ]],
  ["mesh value of the wrong type", svc(`mesh.outlier_detection = true`), [
    'services.toml:3:26: error: "outlier_detection" must be a table or false, got true',
  ]],
  ["mesh weight out of range", svc(`mesh.routes = [{ weights = { v1 = 101 } }]`), [
    'services.toml:3:35: error: "v1" must be an integer from 0 to 100, got 101',
  ]],
  ["mesh key in [defaults]", `[defaults.mesh]\nsidecr = true\n`, [
    'services.toml:2:1: error: unknown key "sidecr" in [defaults.mesh]; did you mean "sidecar"?',
  ]],
  ["unknown key in [defaults]", `[defaults]\ntimeout = 5\n`, [
    'services.toml:2:1: error: unknown key "timeout" in [defaults]; did you mean "timeout_ms"?',
  ]],
  ["unknown key in [resilience]", `[resilience]\nretry_max_atempts = 5\n`, [
    'services.toml:2:1: error: unknown key "retry_max_atempts" in [resilience]; did you mean "retry_max_attempts"?',
  ]],
  ["unknown key in an operation", svc(`operations.getUser = { idempotnt = true }`), [
    'services.toml:3:24: error: unknown key "idempotnt" in [external_services.users_service.operations.getUser]; did you mean "idempotent"?',
  ]],
  ["per-service key in [defaults]", `[defaults]\nurl = "http://a"\nendpoints = ["http://a"]\n`, [
    'services.toml:2:1: error: "url" is set per service, in [external_services.<name>], not in [defaults]',
    'services.toml:3:1: error: "endpoints" is set per service, in [external_services.<name>], not in [defaults]',
  ]],
  ["top-level near miss is a warning", `[external_service]\na = "http://a"\n`, [
    'services.toml:1:2: warning: unknown key "external_service" at the top level; did you mean "external_services"?',
  ]],
  ["near miss in [service] is a warning", `[service]\nnmae = "x"\n`, [
    'services.toml:2:1: warning: unknown key "nmae" in [service]; did you mean "name"?',
  ]],

  // wrong types and ranges
  ["string for milliseconds", svc(`timeout_ms = "10s"`), [
    'services.toml:3:14: error: "timeout_ms" must be a positive integer (milliseconds), got "10s"',
  ]],
  ["zero milliseconds", svc(`connect_timeout_ms = 0`), [
    'services.toml:3:22: error: "connect_timeout_ms" must be a positive integer (milliseconds), got 0',
  ]],
  ["float for an integer", svc(`timeout_ms = 3.0`), [
    'services.toml:3:14: error: "timeout_ms" must be a positive integer (milliseconds), got 3.0',
  ]],
  ["milliseconds beyond setTimeout", svc(`timeout_ms = 3_000_000_000`), [
    'services.toml:3:14: error: "timeout_ms" must be a positive integer (milliseconds) no greater than 2147483647, got 3000000000',
  ]],
  ["negative backoff", svc(`retry.initial_backoff_ms = -1`), [
    'services.toml:3:28: error: "initial_backoff_ms" must be a non-negative integer (milliseconds), got -1',
  ]],
  ["integer range", svc(`grpc_port = 70000\nretry.max_attempts = 0`), [
    'services.toml:3:13: error: "grpc_port" must be an integer from 1 to 65535, got 70000',
    'services.toml:4:22: error: "max_attempts" must be an integer from 1 to 100, got 0',
  ]],
  ["seconds in [resilience]", `[resilience]\ncircuit_breaker_timeout_secs = "30s"\n`, [
    'services.toml:2:32: error: "circuit_breaker_timeout_secs" must be a positive integer (seconds), got "30s"',
  ]],
  ["ratio out of range", svc(`retry = { budget_ratio = 1.5 }\ncircuit_breaker = { failure_rate = 0 }`), [
    'services.toml:3:26: error: "budget_ratio" must be a number from 0 to 1, got 1.5',
    'services.toml:4:36: error: "failure_rate" must be a number greater than 0 and at most 1, got 0',
  ]],
  ["boolean", svc(`operations.getUser.idempotent = "yes"`), [
    'services.toml:3:33: error: "idempotent" must be true or false, got "yes"',
  ]],
  ["enum with suggestion", svc(`load_balancer = "round-robin"`), [
    'services.toml:3:17: error: "load_balancer" must be one of "round_robin", "health_aware", "consistent_hash", "least_request", "failover", got "round-robin"; did you mean "round_robin"?',
  ]],
  ["enum without suggestion", svc(`discovery = "consul"\nmesh.kind = "cilium"`), [
    'services.toml:3:13: error: "discovery" must be one of "dns", "headless", "static", got "consul"',
    'services.toml:4:13: error: "kind" must be one of "none", "istio", "linkerd", got "cilium"',
  ]],
  ["retry_on entries", svc(`retry.retry_on = ["connect", 600, "timout", 503]`), [
    'services.toml:3:30: error: "retry_on" entries must be "connect", "timeout" or an HTTP status code from 100 to 599, got 600',
    'services.toml:3:35: error: "retry_on" entries must be "connect", "timeout" or an HTTP status code from 100 to 599, got "timout"; did you mean "timeout"?',
  ]],
  ["retry_on not an array", svc(`retry.retry_on = "connect"`), [
    'services.toml:3:18: error: "retry_on" must be an array of "connect", "timeout" and HTTP status codes, got "connect"',
  ]],
  ["sub-table of the wrong type", svc(`retry = 3`), [
    'services.toml:3:9: error: "retry" must be a table, got 3',
  ]],
  ["[defaults] of the wrong type", `defaults = "fast"\n`, [
    'services.toml:1:12: error: "defaults" must be a table, got "fast"',
  ]],
  ["[external_services] of the wrong type", `external_services = ["http://a"]\n`, [
    'services.toml:1:21: error: "external_services" must be a table, got an array',
  ]],

  // URLs
  ["seed-form URL without scheme", `[external_services]\nauth_service = "auth-api:8080"\n`, [
    'services.toml:2:16: error: "auth_service" must be an http:// or https:// URL, got "auth-api:8080"',
  ]],
  ["URL with another scheme", svc(``).replace("http://users-api:8080", "grpc://users-api:8081"), [
    'services.toml:2:7: error: "url" must be an http:// or https:// URL, got "grpc://users-api:8081"',
  ]],
  ["URL with a query", `[external_services]\na = "http://a/?x=1"\n`, [
    'services.toml:2:5: error: "a" must not have a query or fragment, got "http://a/?x=1"',
  ]],
  ["URL with credentials is not echoed", `[external_services]\na = "http://user:secret@a"\n`, [
    'services.toml:2:5: error: "a" must not contain credentials',
  ]],
  ["URL with port 0", `[external_services]\na = "http://a:0"\n`, [
    'services.toml:2:5: error: "a" must have a port from 1 to 65535, got "http://a:0"',
  ]],
  ["service neither string nor table", `[external_services]\na = 8080\n`, [
    'services.toml:2:5: error: "a" must be a URL string or a table, got 8080',
  ]],
  ["table form without url", `[external_services.users_service]\ntimeout_ms = 100\n`, [
    'services.toml:1:20: error: missing required key "url" in [external_services.users_service]',
  ]],
  ["quoted service name in messages", `[external_services."users.v2"]\ntimeout_ms = 100\n`, [
    'services.toml:1:20: error: missing required key "url" in [external_services."users.v2"]',
  ]],

  // discovery
  ["endpoint with a path", svc(`discovery = "static"\nendpoints = ["http://10.0.0.1:80", "http://10.0.0.2/v1", "10.0.0.3"]`), [
    'services.toml:4:36: error: "endpoints" entries must be an http:// or https:// origin without a path, got "http://10.0.0.2/v1"',
    'services.toml:4:58: error: "endpoints" entries must be an http:// or https:// origin without a path, got "10.0.0.3"',
  ]],
  ["empty endpoints do not also report them missing", svc(`discovery = "static"\nendpoints = []`), [
    'services.toml:4:13: error: "endpoints" must not be empty',
  ]],
  ["static without endpoints, set in the service", svc(`discovery = "static"`), [
    'services.toml:3:1: error: "endpoints" is required when discovery = "static"',
  ]],
  ["static without endpoints, inherited", `[defaults]\ndiscovery = "static"\n${svc("")}`, [
    'services.toml:3:20: error: "endpoints" is required when discovery = "static" (inherited from [defaults])',
  ]],
  ["headless with an IP host", `[external_services.a]\nurl = "http://10.0.0.1"\ndiscovery = "headless"\n`, [
    'services.toml:3:1: error: discovery = "headless" needs "headless_name": no Service name can be derived from host "10.0.0.1" (a DNS label (lower-case letters, digits and "-", at most 63 characters))',
  ]],
  ["DNS names", svc(`namespace = "Prod"\nheadless_name = "users_api"\ndns_servers = ["10.0.0.10"]`), [
    'services.toml:3:13: error: "namespace" must be a DNS label (lower-case letters, digits and "-", at most 63 characters), got "Prod"',
    'services.toml:4:17: error: "headless_name" must be a DNS label (lower-case letters, digits and "-", at most 63 characters), got "users_api"',
    'services.toml:5:16: error: "dns_servers" entries must be "host:port", got "10.0.0.10"',
  ]],

  // load balancing and policies
  ["consistent_hash without hash_header", svc(`load_balancer = "consistent_hash"`), [
    'services.toml:3:1: error: "hash_header" is required when load_balancer = "consistent_hash"',
  ]],
  ["bad header name does not also report it missing", svc(`load_balancer = "consistent_hash"\nhash_header = "x user"`), [
    'services.toml:4:15: error: "hash_header" must be an HTTP header name, got "x user"',
  ]],
  ["max_backoff below initial_backoff", svc(`retry.initial_backoff_ms = 5000`), [
    'services.toml:3:7: error: "max_backoff_ms" (2000) must be at least "initial_backoff_ms" (5000)',
  ]],
  ["max_backoff below initial_backoff in [defaults] is reported once", `[defaults]\nretry = { max_backoff_ms = 10 }\n[external_services]\na = "http://a"\nb = "http://b"\n`, [
    'services.toml:2:11: error: "max_backoff_ms" (10) must be at least "initial_backoff_ms" (100)',
  ]],
  ["both breaker modes in one table", svc(`circuit_breaker = { failure_threshold = 3, failure_rate = 0.5 }`), [
    'services.toml:3:44: error: set either "failure_threshold" (consecutive failures) or "failure_rate" (failure rate), not both',
  ]],
  ["paths", svc(`health_path = "healthz"\nopenapi = "/abs/users.yaml"\nproto = ["a.proto", 3]`), [
    'services.toml:3:15: error: "health_path" must be a path starting with "/", got "healthz"',
    'services.toml:4:11: error: "openapi" must be a path relative to the config file, got "/abs/users.yaml"',
    'services.toml:5:21: error: "proto" entries must be strings, got 3',
  ]],
  ["single proto string checked at the value", svc(`proto = "C:/protos/a.proto"`), [
    'services.toml:3:9: error: "proto" must be a path relative to the config file, got "C:/protos/a.proto"',
  ]],

  // service names and operations
  ["empty service name", `[external_services]\n"" = "http://a"\n`, [
    "services.toml:2:1: error: service name must not be empty",
  ]],
  ["names that clash once sanitised", `[external_services]\nusers_service = "http://a"\nusersService = "http://b"\n`, [
    'services.toml:3:1: error: service "usersService" clashes with "users_service": names must differ in more than case and punctuation',
  ]],
  ["operation not a table, empty operationId", svc(`operations = { getUser = 5, "" = { idempotent = true } }`), [
    'services.toml:3:26: error: "getUser" must be a table, got 5',
    "services.toml:3:29: error: empty key in [external_services.users_service.operations]",
  ]],

  // caller
  ["caller name that is not a DNS label warns", `[service]\nname = "Order API"\n`, [
    'services.toml:2:8: warning: "name" should be a DNS label (lower-case letters, digits and "-", at most 63 characters) to be used in mesh rules, got "Order API"',
  ]],
  ["[service] of the wrong type", `service = "order-api"\n`, [
    'services.toml:1:11: error: "service" must be a table, got "order-api"',
  ]],
  ["empty caller name", `[service]\nname = " "\n`, ['services.toml:2:8: error: "name" must not be empty, got " "']],

  // warnings for keys that do nothing
  ["ignored keys", svc(`endpoints = ["http://a"]\nrefresh_ms = 5\nhash_header = "x-id"\nproto_paths = ["p"]\ncircuit_breaker.window_ms = 5`), [
    'services.toml:3:1: warning: "endpoints" is ignored unless discovery = "static"',
    'services.toml:4:1: warning: "refresh_ms" is ignored unless discovery = "headless"',
    'services.toml:5:1: warning: "hash_header" is ignored unless load_balancer = "consistent_hash"',
    'services.toml:6:1: warning: "proto_paths" is ignored unless "proto" is set',
    'services.toml:7:17: warning: "window_ms" is ignored unless "failure_rate" is set',
  ]],
];

describe("diagnostics", () => {
  it.each(cases)("%s", (_name, toml, want) => {
    expect(printed(toml)).toEqual(want);
  });

  it("returns no config when there is an error, and a config when there are only warnings", () => {
    expect(parseConfig(svc(`timeout_ms = 0`), "services.toml").config).toBeUndefined();
    const warned = parseConfig(svc(`refresh_ms = 5`), "services.toml");
    expect(warned.diagnostics.map((d) => d.severity)).toEqual(["warning"]);
    expect(warned.config?.services).toHaveLength(1);
  });

  it("gives each diagnostic a stable code", () => {
    const codes = (toml: string) => parseConfig(toml, "f.toml").diagnostics.map((d) => d.code);
    expect(codes("[x\n")).toEqual(["config/syntax"]);
    expect(codes(svc("retyr = 1"))).toEqual(["config/unknown-key"]);
    expect(codes(svc("timeout_ms = 0"))).toEqual(["config/invalid-value"]);
    expect(codes(`[external_services.a]\ntimeout_ms = 1\n`)).toEqual(["config/missing-key"]);
    expect(codes(svc("retry.initial_backoff_ms = 5000"))).toEqual(["config/conflict"]);
    expect(codes(`[defaults]\nurl = "http://a"\n`)).toEqual(["config/not-allowed"]);
    expect(codes(`[external_services]\nab = "http://a"\nAB = "http://b"\n`)).toEqual(["config/duplicate"]);
    expect(codes(svc("refresh_ms = 5"))).toEqual(["config/ignored-key"]);
  });

  it("reports every problem at once, sorted by line and column", () => {
    const toml = [
      "[defaults]", // 1
      'load_balancer = "random"', // 2
      "", // 3
      "[external_services]", // 4
      'auth_service = "ftp://auth"', // 5
      "", // 6
      "[external_services.users_service]", // 7
      'url = "http://users-api:8080"', // 8
      'timeout_ms = "10s"', // 9
      "retyr = { max_attempts = 3 }", // 10
      "retry = { max_attempts = 0, jitter = \"ful\" }", // 11
      "", // 12
      "[external_services.orders]", // 13
      'discovery = "static"', // 14
    ].join("\n");
    expect(printed(toml)).toEqual([
      'services.toml:2:17: error: "load_balancer" must be one of "round_robin", "health_aware", "consistent_hash", "least_request", "failover", got "random"',
      'services.toml:5:16: error: "auth_service" must be an http:// or https:// URL, got "ftp://auth"',
      'services.toml:9:14: error: "timeout_ms" must be a positive integer (milliseconds), got "10s"',
      'services.toml:10:1: error: unknown key "retyr" in [external_services.users_service]; did you mean "retry"?',
      'services.toml:11:26: error: "max_attempts" must be an integer from 1 to 100, got 0',
      'services.toml:11:38: error: "jitter" must be one of "full", "none", got "ful"; did you mean "full"?',
      'services.toml:13:20: error: missing required key "url" in [external_services.orders]',
      'services.toml:14:1: error: "endpoints" is required when discovery = "static"',
    ]);
  });
});
