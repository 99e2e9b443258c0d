// Security Scheme and Requirement Objects → the model (issue 13): which schemes svcgen can send, each operation's
// requirement (its own, the root's, or none), and what is reported for schemes it cannot send or does not know.
// The spec is the golden case `security` (test/golden/security/specs/vault.yaml).
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { OpenApiModel } from "../../../src/model/types.js";
import type { OpenApiResult } from "../../../src/specs/openapi/index.js";
import { serviceDefinitionOf } from "../../../src/emit/ts/definition.js";
import { REPO } from "../../support/repo.js";
import { serviceSecurity } from "../../../src/resolve/auth.js";
import { load, op } from "./load.js";

const SPECS = path.join(REPO, "test", "golden", "security", "specs");
let result: OpenApiResult;
let model: OpenApiModel;

beforeAll(async () => {
  result = await load("vault.yaml", SPECS);
  model = result.model!;
});

describe("security schemes", () => {
  it("keeps every scheme it can send, by kind; bearer covers http Bearer (any case), oauth2 and openIdConnect", () => {
    expect(model.securitySchemes).toEqual({
      apiKeyHeader: { kind: "apiKey", type: "apiKey", in: "header", name: "X-API-Key" },
      apiKeyQuery: { kind: "apiKey", type: "apiKey", in: "query", name: "api_key" },
      basicAuth: { kind: "basic", type: "http" },
      bearerAuth: { kind: "bearer", type: "http" },
      oauth: { kind: "bearer", type: "oauth2" },
      openId: { kind: "bearer", type: "openIdConnect" },
      sessionCookie: { kind: "apiKey", type: "apiKey", in: "cookie", name: "session" },
    });
  });

  it("reports digest, mutualTLS and an undefined scheme once each, as warnings at their pointers", () => {
    const found = result.diagnostics.filter((d) => d.code.startsWith("openapi/security")).map((d) => [d.code, d.location?.pointer, d.message]);
    // (Diagnostics come sorted by location.)
    expect(found).toEqual([
      ["openapi/security-unknown", "#/paths/~1broken/get/security/0", expect.stringContaining('"nosuch"')],
      ["openapi/security-unsupported", "#/components/securitySchemes/digest", expect.stringContaining('http scheme "digest" is not supported')],
      ["openapi/security-unsupported", "#/components/securitySchemes/mtls", expect.stringContaining("mutualTLS is configured with services.toml `tls`")],
    ]);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });
});

describe("security requirements", () => {
  it("the root requirement: alternatives (OR) of scheme sets (AND)", () => {
    expect(model.security).toEqual([["bearerAuth"], ["apiKeyHeader", "apiKeyQuery"]]);
  });

  it.each([
    ["`security: []`: no credential", "getPublic", []],
    ["no own `security`: the root's applies", "listSecrets", undefined],
    ["its own: AND and OR; an alternative naming an unsupported scheme is dropped", "adminAction", [["basicAuth", "sessionCookie"], ["oauth"]]],
    ["`{}` is an alternative with no credential", "getMaybe", [[], ["openId"]]],
    ["an alternative naming an undefined scheme is dropped", "getBroken", [["bearerAuth"]]],
  ])("%s", (_what, name, want) => {
    expect(op(model, name).security).toEqual(want);
  });

  it("the definition carries the schemes (without the spec's type) and the root requirement", () => {
    const def = serviceDefinitionOf({ ...minimalService(), openapi: model, security: serviceSecurity(model) });
    expect(def.securitySchemes?.["oauth"]).toEqual({ kind: "bearer" });
    expect(def.securitySchemes?.["apiKeyQuery"]).toEqual({ kind: "apiKey", in: "query", name: "api_key" });
    expect(def.security).toEqual([["bearerAuth"], ["apiKeyHeader", "apiKeyQuery"]]);
  });

  it("a service without spec schemes gets the implied bearer and basic, either one", () => {
    const def = serviceDefinitionOf(minimalService());
    expect(def.securitySchemes).toEqual({ basic: { kind: "basic" }, bearer: { kind: "bearer" } });
    expect(def.security).toEqual([["bearer"], ["basic"]]);
  });
});

function minimalService(): Parameters<typeof serviceDefinitionOf>[0] {
  return {
    key: "vault",
    pascal: "Vault",
    location: { file: "services.toml", line: 1, column: 1 },
    url: "http://vault-api:8080",
    scheme: "http",
    host: "vault-api",
    port: 8080,
    basePath: "",
    discovery: { kind: "dns", endpoints: [], dnsServers: [] },
    policy: {} as never,
    mesh: {} as never,
    healthPath: "/health",
    readyPath: "/ready",
    security: serviceSecurity(undefined),
  } as Parameters<typeof serviceDefinitionOf>[0];
}
