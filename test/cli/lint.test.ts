// `svcgen lint` and `gen --strict` through the real pipeline: findings carry their code and TOML position, are
// warnings by default and errors under --strict, and --strict gen writes nothing.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeProject, run } from "./helpers.js";

// The mesh owns retries and no spec tells svcgen which operations are unsafe to repeat: SVC102 at retry_owner.
const RISKY = `[external_services.users_service]
url = "http://users-api:8080"

[external_services.users_service.mesh]
kind = "istio"
retry_owner = "mesh"
`;
const FINDING =
  "services.toml:6:1: %s: users_service: the mesh retries failed responses of every request, POST and PATCH included: " +
  "without an OpenAPI spec svcgen cannot exempt the operations that are not idempotent [SVC102]\n";

describe("svcgen lint", () => {
  it("prints findings as warnings with code and position, exit 0", async () => {
    const cwd = makeProject({ "services.toml": RISKY });
    const result = await run(cwd, ["lint"]);
    expect(result).toEqual({ code: 0, stdout: "svcgen: 1 warning\n", stderr: FINDING.replace("%s", "warning") });
    expect(existsSync(path.join(cwd, "generated"))).toBe(false);
  });

  it("--strict turns findings into errors, exit 2", async () => {
    const cwd = makeProject({ "services.toml": RISKY });
    expect(await run(cwd, ["lint", "--strict"])).toEqual({ code: 2, stdout: "", stderr: FINDING.replace("%s", "error") });
  });

  it("a clean config has no findings", async () => {
    const cwd = makeProject({ "services.toml": '[external_services]\nusers_service = "http://users-api:8080"\n' });
    expect(await run(cwd, ["lint", "--strict"])).toEqual({ code: 0, stdout: "svcgen: no findings\n", stderr: "" });
  });
});

describe("svcgen gen with lint findings", () => {
  it("writes the output and prints the findings as warnings", async () => {
    const cwd = makeProject({ "services.toml": RISKY });
    const result = await run(cwd, ["gen", "--no-cache"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(FINDING.replace("%s", "warning"));
    expect(existsSync(path.join(cwd, "generated/istio/users_service/virtual-service.yaml"))).toBe(true);
  });

  it("--strict fails with exit 2 and writes nothing, from a cold run and from the cache", async () => {
    const cwd = makeProject({ "services.toml": RISKY });
    expect(await run(cwd, ["gen", "--strict", "--no-cache"])).toEqual({ code: 2, stdout: "", stderr: FINDING.replace("%s", "error") });
    expect(existsSync(path.join(cwd, "generated"))).toBe(false);
    // A non-strict run fills the cache; a strict run must still fail on the cached warnings.
    expect((await run(cwd, ["gen"])).code).toBe(0);
    expect(await run(cwd, ["gen", "--strict"])).toEqual({ code: 2, stdout: "", stderr: FINDING.replace("%s", "error") });
  });
});
