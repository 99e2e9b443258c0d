// services.toml credential sources checked against the schemes the client sends, through the real CLI: a name the
// spec does not define gets a did-you-mean at its line and column (the name in the table header), a basic scheme needs a username, a token scheme no username;
// a spec-less service takes `bearer`/`basic`, and a service with a .proto takes them besides the spec's.
import { describe, expect, it } from "vitest";
import { makeProject, run } from "../cli/helpers.js";

const SPEC = `openapi: 3.0.3
info: { title: Vault, version: "1" }
paths:
  /secrets:
    get:
      operationId: listSecrets
      responses: { "204": { description: ok } }
components:
  securitySchemes:
    bearerAuth: { type: http, scheme: bearer }
    basicAuth: { type: http, scheme: basic }
`;

describe("auth sources in services.toml", () => {
  it("reports an unknown scheme with the closest spec scheme, and mismatched source kinds, each at its line (exit 2)", async () => {
    const config = `[external_services.vault]
url = "http://vault-api:8080"
openapi = "vault.yaml"

[external_services.vault.auth.bearerAuht]
env = "VAULT_TOKEN"

[external_services.vault.auth.basicAuth]
env = "VAULT_BASIC"

[external_services.plain]
url = "http://plain-api:8080"

[external_services.plain.auth.bearer]
username = "u"
password_env = "P"

[external_services.plain.auth.token]
env = "T"
`;
    const result = await run(makeProject({ "services.toml": config, "vault.yaml": SPEC }), ["gen"]);
    expect(result.code).toBe(2);
    const errors = result.stderr.split("\n").filter((l) => l.includes(": error: "));
    expect(errors).toEqual([
      'services.toml:5:31: error: vault: no security scheme "bearerAuht"; did you mean "bearerAuth"? (the spec defines: "basicAuth", "bearerAuth")',
      'services.toml:8:31: error: vault: "basicAuth" is http basic: give `username` and `password_env` or `password_file`',
      'services.toml:14:31: error: plain: "bearer" takes a token (`env` or `file`), not a username',
      'services.toml:18:31: error: plain: no security scheme "token" (without spec schemes: "basic", "bearer")',
    ]);
  });

  it("accepts the spec's names, and bearer/basic on a service without a spec", async () => {
    const config = `[external_services.vault]
url = "http://vault-api:8080"
openapi = "vault.yaml"

[external_services.vault.auth.bearerAuth]
file = "/var/run/secrets/tokens/vault"

[external_services.plain]
url = "http://plain-api:8080"

[external_services.plain.auth.basic]
username = "u"
password_file = "/etc/plain/password"
`;
    const result = await run(makeProject({ "services.toml": config, "vault.yaml": SPEC }), ["gen"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });
});
