// Each lint finding is printed once through the real pipeline (services.toml → model → lint → stderr). Under Istio a
// POST gets a route of its own that retries connect failures only; with an explicit per-try timeout that route keeps
// the service's timeouts, and SVC103/SVC104 used to be printed for it and for the service's route alike.
import { describe, expect, it } from "vitest";
import { makeProject, run } from "../cli/helpers.js";

const TOML = `[external_services.users]
url = "http://users-api:8080"
openapi = "specs/users.yaml"
timeout_ms = 4000

[external_services.users.mesh]
kind = "istio"
retry_owner = "mesh"
retries = { attempts = 2, per_try_timeout_ms = 5000 }
`;

const SPEC = `openapi: 3.0.3
info: { title: Users, version: 1.0.0 }
paths:
  /users:
    get:
      operationId: listUsers
      responses: { "200": { description: ok } }
    post:
      operationId: createUser
      responses: { "201": { description: created } }
`;

describe("svcgen lint prints each finding once", () => {
  it("one SVC103 and one SVC104 naming both routes that share the problem", async () => {
    const cwd = makeProject({ "services.toml": TOML, "specs/users.yaml": SPEC });
    expect(await run(cwd, ["lint"])).toEqual({
      code: 0,
      stdout: "svcgen: 2 warnings\n",
      stderr:
        "services.toml:9:27: warning: users: 3 mesh tries × 5s per try + 100ms backoff = 15100ms, over the 4s timeout of the service's route and the route of createUser: the last tries are cut off [SVC103]\n" +
        "services.toml:9:27: warning: users: mesh per-try timeout 5s is above the 4s timeout of the service's route and the route of createUser [SVC104]\n",
    });
  });
});
