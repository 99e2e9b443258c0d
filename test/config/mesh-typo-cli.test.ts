// A misspelt mesh key through the real pipeline and CLI: exit 2, the key's line:col and a did-you-mean.
import { describe, expect, it } from "vitest";
import { makeProject, run } from "../cli/helpers.js";

const CONFIG = `[external_services.users_service]
url = "http://users-api:8080"

[external_services.users_service.mesh]
kind = "istio"
retry_ownr = "mesh"

[external_services.users_service.mesh.retries]
atempts = 2
`;

describe("a mesh key typo", () => {
  it("stops svcgen gen with exit 2 at each key's position, with the closest key of its table", async () => {
    const result = await run(makeProject({ "services.toml": CONFIG }), ["gen"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(
      'services.toml:6:1: error: unknown key "retry_ownr" in [external_services.users_service.mesh]; did you mean "retry_owner"?',
    );
    expect(result.stderr).toContain(
      'services.toml:9:1: error: unknown key "atempts" in [external_services.users_service.mesh.retries]; did you mean "attempts"?',
    );
  });
});
