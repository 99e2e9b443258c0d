// The documented mesh TOML (README, examples/services.toml) through the real config parser: it must resolve without
// diagnostics, produce schema-valid manifests and point lint findings at the right lines.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseConfig } from "../../src/config/index.js";
import { locateKeys } from "../../src/config/locate.js";
import { emitYaml } from "../../src/emit/yaml/index.js";
import { lint } from "../../src/lint/index.js";
import type { Diagnostic, Model, OpenApiModel } from "../../src/model/types.js";
import { buildModel } from "../../src/resolve/build.js";
import { type SchemaKey, schemaErrors } from "../emit/yaml/schemas.js";
import { service, withSpec } from "./fixtures.js";

const ISTIO_EXAMPLE = `
[service]
name = "order-api"

[defaults]
namespace = "default"

[external_services.users_service]
url = "http://users-api:8080"
load_balancer = "consistent_hash"
hash_header = "x-user-id"

# Istio retries for this service (the generated client does not); requests with version: v2 go to the v2 pods,
# the rest is split 90/10. The Sidecar limits order-api's egress to the services listed here.
[external_services.users_service.mesh]
kind = "istio"
retry_owner = "mesh"
sidecar = true
subsets = { v1 = { version = "v1" }, v2 = { version = "v2" } }
connection_pool = { max_connections = 100, http2_max_requests = 1000 }

[[external_services.users_service.mesh.routes]]
headers = { version = "v2" }
subset = "v2"

[[external_services.users_service.mesh.routes]]
weights = { v1 = 90, v2 = 10 }
`;

const LINKERD_EXAMPLE = `
[service]
name = "order-api"

[defaults]
namespace = "default"

[external_services.payments_service]
url = "http://payments-api:8080"

# The generated client retries; Linkerd gets the same timeout and a circuit breaker from [circuit_breaker].
[external_services.payments_service.mesh]
kind = "linkerd"
retry_owner = "client"
failure_accrual = { max_penalty_ms = 60000 }
`;

/** Through the real parser and resolve step; `specs` stand in for loaded OpenAPI documents. */
function build(text: string, specs: ReadonlyMap<string, OpenApiModel> = new Map()): { model: Model; diagnostics: Diagnostic[] } {
  const parsed = parseConfig(text, "services.toml");
  expect(parsed.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const positions = locateKeys(text);
  const built = buildModel(parsed.config!, specs, (path) => {
    const at = positions.key(path);
    return at ? { file: "services.toml", line: at.line, column: at.column } : undefined;
  });
  return { model: built.model!, diagnostics: built.diagnostics };
}

function validate(model: Model): void {
  for (const file of emitYaml(model)) {
    const doc = parse(file.content) as { apiVersion: string; kind: string };
    expect(schemaErrors(`${doc.apiVersion}/${doc.kind}` as SchemaKey, doc), file.path).toEqual([]);
  }
}

describe("documented mesh TOML", () => {
  it("Istio example resolves cleanly and renders valid manifests", () => {
    // The README example names specs/users.yaml; its operations (with the x-user-id header) stand in here.
    const { model, diagnostics } = build(ISTIO_EXAMPLE, new Map([["users_service", withSpec(service()).openapi!]]));
    expect(diagnostics).toEqual([]);
    const users = model.services[0]!;
    expect(users.policy.retry.maxAttempts).toBe(1);
    expect(users.mesh.retries.attempts).toBe(2);
    expect(emitYaml(model).map((f) => f.path)).toEqual([
      "istio/sidecar.yaml",
      "istio/users_service/destination-rule.yaml",
      "istio/users_service/virtual-service.yaml",
      "k8s/users_service/service.yaml",
    ]);
    validate(model);
    expect(lint(model)).toEqual([]);
  });

  it("Linkerd example resolves cleanly and renders valid manifests", () => {
    const { model, diagnostics } = build(LINKERD_EXAMPLE);
    expect(diagnostics).toEqual([]);
    expect(model.services[0]!.mesh.failureAccrual).toEqual({ maxFailures: 5, minPenaltyMs: 30_000, maxPenaltyMs: 60_000 });
    validate(model);
    expect(lint(model)).toEqual([]);
  });

  it("points at the TOML line of a misspelt key and of a lint finding", () => {
    const text = `${LINKERD_EXAMPLE}serviceprofle = true\n`;
    const line = text.split("\n").findIndex((l) => l.startsWith("serviceprofle")) + 1;
    expect(parseConfig(text, "services.toml").diagnostics.map((d) => [d.code, d.location.line, d.location.column, d.message])).toEqual([
      ["config/unknown-key", line, 1, 'unknown key "serviceprofle" in [external_services.payments_service.mesh]; did you mean "serviceprofile"?'],
    ]);
    const withProfile = `${LINKERD_EXAMPLE}serviceprofile = true\n`;
    const findings = lint(build(withProfile).model);
    const profileLine = withProfile.split("\n").findIndex((l) => l.startsWith("serviceprofile")) + 1;
    expect(findings.map((d) => [d.code, d.location.line])).toEqual([["SVC106", profileLine]]);
  });
});
