// `[external_services.<key>.operations.<name>]` naming gRPC methods (`<package>.<Service>/<Method>`): the keys are
// read like operationIds, and a name that is neither an operationId nor a method of the service's .proto files stops
// `svcgen gen` with exit code 2 and a located diagnostic. Runs the real pipeline on examples/protos/auth.proto.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/config/diagnostics.js";
import { generate } from "../../src/generate.js";
import { makeProject, run } from "../cli/helpers.js";
import { REPO } from "../support/repo.js";
import { configOf } from "./helpers.js";

const AUTH_PROTO = readFileSync(path.join(REPO, "examples", "protos", "auth.proto"), "utf8");
const AUTH_YAML = readFileSync(path.join(REPO, "examples", "specs", "auth.yaml"), "utf8");

const SERVICE = '[external_services.auth_service]\nurl = "http://auth-api:8080"\nproto = "protos/auth.proto"\ngrpc_port = 8081\n';

/** A project with the example's auth.proto (and auth.yaml when `openapi`), and the given services.toml. */
function project(toml: string, openapi = false): string {
  return makeProject({
    "services.toml": toml,
    "protos/auth.proto": AUTH_PROTO,
    ...(openapi ? { "specs/auth.yaml": AUTH_YAML } : {}),
  });
}

async function errors(toml: string, openapi = false): Promise<string[]> {
  const result = await generate({ configPath: "services.toml", cwd: project(toml, openapi) });
  return result.diagnostics.filter((d) => d.severity === "error").map(formatDiagnostic);
}

describe("gRPC method keys", () => {
  it("are read with idempotent and timeout_ms, as a quoted table header or a dotted key", () => {
    const config = configOf(
      SERVICE +
        'operations."auth.v1.AuthService/ValidateToken".timeout_ms = 250\n\n' +
        '[external_services.auth_service.operations."auth.v1.AuthService/IssueToken"]\nidempotent = true\ntimeout_ms = 1500\n',
    );
    expect(config.services[0]!.operations).toEqual([
      { operationId: "auth.v1.AuthService/IssueToken", idempotent: true, timeoutMs: 1500, location: { file: "services.toml", line: 7, column: 44 } },
      { operationId: "auth.v1.AuthService/ValidateToken", timeoutMs: 250, location: { file: "services.toml", line: 5, column: 12 } },
    ]);
  });

  it("reach the model's proto methods; other methods stay as the .proto says", async () => {
    const toml =
      SERVICE +
      '\n[external_services.auth_service.operations."auth.v1.AuthService/IssueToken"]\nidempotent = true\ntimeout_ms = 1500\n' +
      '\n[external_services.auth_service.operations."auth.v1.AuthService/ValidateToken"]\nidempotent = false\n';
    const result = await generate({ configPath: "services.toml", cwd: project(toml) });
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const methods = result.model!.services[0]!.proto!.services[0]!.methods.map((m) => [m.name, m.idempotent, m.override]);
    expect(methods).toEqual([
      ["ValidateToken", false, { idempotent: false }],
      ["IssueToken", true, { idempotent: true, timeoutMs: 1500 }],
      ["ListKeys", true, undefined],
      ["RevokeTokens", false, undefined],
      ["RefreshSessions", false, undefined],
    ]);
  });

  it("may sit next to operationIds of the service's OpenAPI spec", async () => {
    const toml =
      SERVICE.replace("proto =", 'openapi = "specs/auth.yaml"\nproto =') +
      '\n[external_services.auth_service.operations.getJwks]\ntimeout_ms = 700\n' +
      '\n[external_services.auth_service.operations."auth.v1.AuthService/ListKeys"]\ntimeout_ms = 800\n';
    const result = await generate({ configPath: "services.toml", cwd: project(toml, true) });
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const service = result.model!.services[0]!;
    expect(service.openapi!.operations.find((o) => o.operationId === "getJwks")!.timeoutMs).toBe(700);
    expect(service.proto!.services[0]!.methods.find((m) => m.name === "ListKeys")!.override).toEqual({ timeoutMs: 800 });
  });
});

describe("unknown names", () => {
  it("a misspelt method: located at its key, with the closest method", async () => {
    const toml = SERVICE + '\n[external_services.auth_service.operations."auth.v1.AuthService/IssueTokn"]\nidempotent = true\n';
    expect(await errors(toml)).toEqual([
      'services.toml:6:44: error: protos/auth.proto has no gRPC method "auth.v1.AuthService/IssueTokn" (service auth_service); did you mean "auth.v1.AuthService/IssueToken"?',
    ]);
  });

  it("a method without its package and service, with the path's leading slash, or a wrong package: the full name", async () => {
    const toml =
      SERVICE +
      'operations.IssueToken.idempotent = true\n' +
      'operations."/auth.v1.AuthService/ListKeys".timeout_ms = 5\n' +
      'operations."auth.v2.AuthService/RevokeTokens".timeout_ms = 5\n';
    expect(await errors(toml)).toEqual([
      'services.toml:5:12: error: protos/auth.proto has no gRPC method "IssueToken" (service auth_service); did you mean "auth.v1.AuthService/IssueToken"?',
      'services.toml:6:12: error: protos/auth.proto has no gRPC method "/auth.v1.AuthService/ListKeys" (service auth_service); did you mean "auth.v1.AuthService/ListKeys"?',
      'services.toml:7:12: error: protos/auth.proto has no gRPC method "auth.v2.AuthService/RevokeTokens" (service auth_service); did you mean "auth.v1.AuthService/RevokeTokens"?',
    ]);
  });

  it("nothing close: says how gRPC methods are named", async () => {
    expect(await errors(`${SERVICE}operations.chargeCard.idempotent = true\n`)).toEqual([
      'services.toml:5:12: error: protos/auth.proto has no gRPC method "chargeCard" (service auth_service); gRPC methods are named "<package>.<Service>/<Method>"',
    ]);
  });

  it("with an OpenAPI spec too: neither kind, suggestions from both", async () => {
    const toml = SERVICE.replace("proto =", 'openapi = "specs/auth.yaml"\nproto =') + 'operations.getJwk.timeout_ms = 5\noperations."auth.v1.AuthService/Nope".timeout_ms = 5\n';
    expect(await errors(toml, true)).toEqual([
      'services.toml:6:12: error: "getJwk" is neither an operationId in specs/auth.yaml nor a gRPC method in protos/auth.proto (service auth_service); did you mean "getJwks"?',
      'services.toml:7:12: error: "auth.v1.AuthService/Nope" is neither an operationId in specs/auth.yaml nor a gRPC method in protos/auth.proto (service auth_service)',
    ]);
  });

  it("without openapi and proto", async () => {
    expect(await errors('[external_services.auth_service]\nurl = "http://auth-api:8080"\noperations."auth.v1.AuthService/IssueToken".idempotent = true\n')).toEqual([
      'services.toml:3:12: error: [external_services.auth_service.operations."auth.v1.AuthService/IssueToken"] needs an `openapi` spec or `proto` files for auth_service',
    ]);
  });

  it("svcgen gen exits 2, prints it, and writes nothing", async () => {
    const cwd = project(SERVICE + '\n[external_services.auth_service.operations."auth.v1.AuthService/IssueTokn"]\nidempotent = true\n');
    const result = await run(cwd, ["gen", "--config", "services.toml", "--out", "out"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'services.toml:6:44: error: protos/auth.proto has no gRPC method "auth.v1.AuthService/IssueTokn" (service auth_service); did you mean "auth.v1.AuthService/IssueToken"?\n',
    );
    expect(() => readFileSync(path.join(cwd, "out", "clients", "index.ts"))).toThrow();
  });
});
