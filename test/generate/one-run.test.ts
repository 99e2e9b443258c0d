// One run of the real CLI reports every problem it can find — config, spec, .proto and operation overrides —
// together, as `file:line:col: error: …`, exits 2 and leaves the output folder as it was.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeProject, run, snapshot } from "../cli/helpers.js";

const SPEC = `openapi: 3.0.3
info: { title: Items, version: "1" }
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        "200": { description: ok }
`;

const PROTO = 'syntax = "proto3";\npackage auth.v1;\nmessage M {}\nservice Auth { rpc Issue(M) returns (M); }\n';

/** Runs `svcgen gen` on the project; the output folder must be exactly as before. */
async function gen(files: Record<string, string>, args: string[] = []): Promise<{ code: number; lines: string[] }> {
  const project = makeProject({ ...files, "generated/keep.txt": "kept\n" });
  const before = snapshot(path.join(project, "generated"));
  const result = await run(project, ["gen", "--no-cache", ...args]);
  expect(result.stdout).toBe("");
  expect(snapshot(path.join(project, "generated"))).toEqual(before);
  return { code: result.code, lines: result.stderr.split("\n").filter((line) => line !== "") };
}

describe("every problem in one run", () => {
  it("reports a key typo, a missing spec and an unknown operationId together", async () => {
    const toml = [
      "[external_services.a]", // 1
      'url = "http://a-api:8080"', // 2
      "timeout_msx = 5", // 3
      "", // 4
      "[external_services.b]", // 5
      'url = "http://b-api:8080"', // 6
      'openapi = "specs/missing.yaml"', // 7
      "", // 8
      "[external_services.c]", // 9
      'url = "http://c-api:8080"', // 10
      'openapi = "specs/items.yaml"', // 11
      "", // 12
      "[external_services.c.operations.noSuchOp]", // 13
      "timeout_ms = 5", // 14
      "",
    ].join("\n");
    const { code, lines } = await gen({ "services.toml": toml, "specs/items.yaml": SPEC });
    expect(code).toBe(2);
    expect(lines).toEqual([
      'services.toml:3:1: error: unknown key "timeout_msx" in [external_services.a]; did you mean "timeout_ms"?',
      "services.toml:7:1: error: OpenAPI spec file not found: specs/missing.yaml",
      'services.toml:13:33: error: specs/items.yaml has no operation with operationId "noSuchOp" (service c)',
    ]);
  });

  it("checks the other keys of a service whose spec failed, and says nothing about its overrides", async () => {
    const toml = [
      "[external_services.b]", // 1
      'url = "http://b-api:8080"', // 2
      'openapi = "specs/broken.yaml"', // 3
      'proto = "protos/auth.proto"', // 4
      "retyr = { max_attempts = 2 }", // 5
      "", // 6
      "[external_services.b.operations.getItem]", // 7
      "idempotent = false", // 8
      "[external_services.b.operations.noSuchOp]", // 9
      "idempotent = false", // 10
      "",
    ].join("\n");
    const { code, lines } = await gen({ "services.toml": toml, "specs/broken.yaml": "openapi: [\n", "protos/auth.proto": PROTO });
    expect(code).toBe(2);
    expect(lines).toEqual([
      'services.toml:5:1: error: unknown key "retyr" in [external_services.b]; did you mean "retry"?',
      "specs/broken.yaml:2:1: error: cannot parse spec: unexpected end of the stream within a flow collection",
    ]);
  });

  it("reports .proto and override problems of one service next to another service's config error", async () => {
    const toml = [
      "[external_services.auth]", // 1
      'url = "http://auth-api:8080"', // 2
      'proto = "protos/auth.proto"', // 3
      "", // 4
      '[external_services.auth.operations."auth.v1.Auth/Isue"]', // 5
      "timeout_ms = 5", // 6
      "", // 7
      "[external_services.broken]", // 8
      'url = "http://broken-api:8080"', // 9
      'proto = ["protos/missing.proto"]', // 10
      'load_balancer = "random"', // 11
      "",
    ].join("\n");
    const { code, lines } = await gen({ "services.toml": toml, "protos/auth.proto": PROTO });
    expect(code).toBe(2);
    expect(lines).toEqual([
      'services.toml:5:36: error: protos/auth.proto has no gRPC method "auth.v1.Auth/Isue" (service auth); did you mean "auth.v1.Auth/Issue"?',
      "services.toml:10:1: error: .proto file not found: protos/missing.proto",
      'services.toml:11:17: error: "load_balancer" must be one of "round_robin", "health_aware", "consistent_hash", "least_request", "failover", got "random"',
    ]);
  });

  it("checks the overrides of a service with a rejected value, but not what depends on the default that replaced it", async () => {
    const toml = [
      "[external_services.c]", // 1
      'url = "http://c-api:8080"', // 2
      'openapi = "specs/items.yaml"', // 3
      'namespace = "Bad_NS"', // 4
      "", // 5
      "[external_services.c.mesh]", // 6
      'kind = "linkerd"', // 7
      "serviceprofile = true", // 8
      "", // 9
      "[external_services.c.operations.getItm]", // 10
      "timeout_ms = 5", // 11
      "",
    ].join("\n");
    const { code, lines } = await gen({ "services.toml": toml, "specs/items.yaml": SPEC });
    expect(code).toBe(2);
    // Not "mesh.serviceprofile needs the service's namespace": the namespace was written, only wrongly.
    expect(lines).toEqual([
      'services.toml:4:13: error: "namespace" must be a DNS label (lower-case letters, digits and "-", at most 63 characters), got "Bad_NS"',
      'services.toml:10:33: error: specs/items.yaml has no operation with operationId "getItm" (service c); did you mean "getItem"?',
    ]);
  });

  it("still stops at a TOML syntax error, since nothing else can be read", async () => {
    const toml = '[external_services.a]\nurl = "http://a-api:8080"\nopenapi = "specs/missing.yaml"\ntimeout_ms = = 5\n';
    const { code, lines } = await gen({ "services.toml": toml });
    expect(code).toBe(2);
    expect(lines).toEqual(["services.toml:4:14: error: invalid TOML: invalid value"]);
  });
});

describe("one wording for a missing input file", () => {
  const cases: Array<[string, { files: Record<string, string>; args?: string[]; want: string[] }]> = [
    ["config", { files: {}, args: ["--config", "conf/services.toml"], want: ["conf/services.toml: error: config file not found: conf/services.toml"] }],
    [
      "OpenAPI spec",
      {
        files: { "services.toml": '[external_services.a]\nurl = "http://a-api:8080"\nopenapi = "specs/a.yaml"\n' },
        want: ["services.toml:3:1: error: OpenAPI spec file not found: specs/a.yaml"],
      },
    ],
    [
      "$ref'd file",
      {
        files: {
          "services.toml": '[external_services.a]\nurl = "http://a-api:8080"\nopenapi = "specs/a.yaml"\n',
          "specs/a.yaml": SPEC.replace("- { name: id, in: path, required: true, schema: { type: string } }", '- $ref: "./params.yaml#/Id"'),
        },
        want: ["specs/a.yaml:8:11: error: $ref'd file not found: specs/params.yaml (#/paths/~1items~1{id}/get/parameters/0)"],
      },
    ],
    [
      "externalValue file",
      {
        files: {
          "services.toml": '[external_services.a]\nurl = "http://a-api:8080"\nopenapi = "specs/a.yaml"\n',
          "specs/a.yaml": SPEC.replace(
            '"200": { description: ok }',
            '"200":\n          description: ok\n          content:\n            application/json:\n              schema: { type: string }\n              examples:\n                one: { externalValue: "./examples/one.json" }',
          ),
        },
        want: ["specs/a.yaml:16:22: error: externalValue file not found: specs/examples/one.json (#/paths/~1items~1{id}/get/responses/200/content/application~1json/examples/one)"],
      },
    ],
    [
      ".proto",
      {
        files: { "services.toml": '[external_services.a]\nurl = "http://a-api:8080"\nproto = ["protos/a.proto"]\n' },
        want: ["services.toml:3:1: error: .proto file not found: protos/a.proto"],
      },
    ],
    [
      ".proto import",
      {
        files: {
          "services.toml": '[external_services.a]\nurl = "http://a-api:8080"\nproto = ["protos/a.proto"]\n',
          "protos/a.proto": 'syntax = "proto3";\nimport "common/b.proto";\nmessage A {}\n',
        },
        want: ["protos/a.proto:2:8: error: .proto import file not found: common/b.proto (searched ./, protos/; add its directory to proto_paths)"],
      },
    ],
  ];

  it.each(cases)("%s", async (_kind, { files, args = [], want }) => {
    const { code, lines } = await gen(files, args);
    expect(code).toBe(2);
    expect(lines).toEqual(want);
  });
});
