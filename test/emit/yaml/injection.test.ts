// Values from services.toml or a spec that try to change a manifest's structure are rejected before any template
// runs; the free-text values that are allowed (header match values) come back byte for byte.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { emitYaml, validateManifests } from "../../../src/emit/yaml/index.js";
import { TEMPLATE_ROOT } from "../../../src/emit/yaml/templates.js";
import type { Model } from "../../../src/model/types.js";
import { type DraftService, grpcMethod, grpcService, model, operation, policy, proto, resolveMesh, service, withSpec } from "../../mesh/fixtures.js";

const AT = { file: "services.toml", line: 2, column: 1 };

const HOSTILE = ["v1\nkind: Secret", "v1: x", "v1 # x", "{{json this}}", 'v1"', "v1'", "v1\u2028x"];

function istio(settings: Record<string, unknown>): DraftService {
  return service({ mesh: { kind: "istio", retryOwner: "client", settings } });
}

describe("mesh settings that could break YAML are rejected by resolveMesh", () => {
  it.each(HOSTILE)("subset label value %j", (value) => {
    const { diagnostics } = resolveMesh(istio({ subsets: { v1: { version: value } } }), () => undefined);
    expect(diagnostics.map((d) => [d.severity, d.code])).toEqual([["error", "mesh/invalid"]]);
  });

  it.each(HOSTILE)("subset name %j", (value) => {
    const { diagnostics } = resolveMesh(istio({ subsets: { [value]: { version: "v1" } } }), () => undefined);
    expect(diagnostics.map((d) => d.code)).toEqual(["mesh/invalid"]);
  });

  it.each(HOSTILE)("label key %j", (value) => {
    const { diagnostics } = resolveMesh(istio({ subsets: { v1: { [value]: "v1" } } }), () => undefined);
    expect(diagnostics.map((d) => d.code)).toEqual(["mesh/invalid"]);
  });

  // `'` is a legal token character (RFC 9110 tchar); the quoting keeps it inert, so it is not in this list.
  it.each(HOSTILE.filter((v) => v !== "v1'"))("header name %j", (value) => {
    const settings = { subsets: { v1: { version: "v1" } }, routes: [{ headers: { [value]: { exact: "x" } }, subset: "v1" }] };
    expect(resolveMesh(istio(settings), () => undefined).diagnostics.map((d) => d.code)).toEqual(["mesh/invalid"]);
  });

  it.each(HOSTILE)("port name %j", (value) => {
    expect(resolveMesh(istio({ http_port_name: value }), () => undefined).diagnostics.map((d) => d.code)).toEqual([
      "mesh/invalid",
    ]);
  });

  it.each(["v2\nkind: Secret", "v2\r", "v2\u2028x", "v2\u0085"])("header value with a line break %j", (value) => {
    const settings = { subsets: { v1: { version: "v1" } }, routes: [{ headers: { version: { exact: value } }, subset: "v1" }] };
    expect(resolveMesh(istio(settings), () => undefined).diagnostics.map((d) => d.code)).toEqual(["mesh/invalid"]);
  });

  it("keeps an allowed header value with YAML punctuation exactly as written", () => {
    const value = `v2: "x" # {{json this}} 'y' - [z] &a *b !c`;
    const s = istio({ subsets: { v1: { version: "v1" } }, routes: [{ headers: { version: { exact: value } }, subset: "v1" }] });
    const vs = emitYaml(model([s])).find((f) => f.path.endsWith("virtual-service.yaml"))!;
    const doc = parse(vs.content) as { spec: { http: Array<{ match?: Array<{ headers: Record<string, { exact: string }> }> }> } };
    expect(doc.spec.http[0]!.match![0]!.headers).toEqual({ version: { exact: value } });
  });
});

describe("model values that could break YAML stop emitYaml before rendering", () => {
  const cases: Array<[string, () => Model, string]> = [
    ["namespace", () => model([service({ namespace: "default\nkind: Secret" })]), 'namespace "default\\nkind: Secret" cannot go into a manifest'],
    [
      "headless name",
      () => model([service({ discovery: { kind: "headless", headlessName: "x: y", endpoints: [], dnsServers: [] } })]),
      'name "x: y" cannot go into a manifest',
    ],
    [
      "caller name",
      () => ({ ...model([istio({ sidecar: true })]), caller: { name: "order-api\n# x", location: AT, labels: { app: "order-api" } } }),
      '[service] name (the Sidecar\'s name and workload label) "order-api\\n# x" cannot go into a manifest',
    ],
    [
      "caller labels",
      () => ({ ...model([istio({ sidecar: true })]), caller: { name: "order-api", location: AT, labels: { app: "order-api\n# x" } } }),
      '[service] labels value "order-api\\n# x" cannot go into a manifest',
    ],
    [
      "operation path",
      () => model([withSpec(istio({}), [operation({ name: "getUser", method: "get", path: "/users/{id}\n  x: y", timeoutMs: 1000 })])]),
      'path of operation getUser "/users/{id}\\n  x: y" cannot go into a manifest',
    ],
    [
      "gRPC method name",
      () =>
        model([
          service({
            grpcPort: 9090,
            proto: proto(["UNAVAILABLE"], [grpcService("x.v1.X", [grpcMethod("Get\n  x: y", true, 1000)])]),
            mesh: { kind: "linkerd", retryOwner: "client", settings: {} },
          }),
        ]),
      'gRPC method "x.v1.X/Get\\n  x: y" is not a protobuf name',
    ],
    [
      "hash header",
      () =>
        model([
          service({
            policy: policy({ loadBalancer: "consistent_hash", hashHeader: 'x-user-id": {{x}}' }),
            mesh: { kind: "istio", retryOwner: "client", settings: {} },
          }),
        ]),
      'header name "x-user-id\\": {{x}}" cannot go into a manifest',
    ],
  ];

  it.each(cases)("%s", (_name, build, message) => {
    const m = build();
    const diagnostics = validateManifests(m);
    expect(diagnostics.map((d) => d.message)).toEqual([expect.stringContaining(message)]);
    expect(() => emitYaml(m)).toThrow(/cannot write manifests/);
  });

  it("a host that is not a Service name gets no manifests at all", () => {
    const m = model([service({ host: "users-api\nkind: Secret" })]);
    expect(validateManifests(m)).toEqual([]);
    expect(emitYaml(m)).toEqual([]);
  });

  it("keeps the source comment on one line whatever the config path holds", () => {
    const m: Model = { ...model([service()]), configFile: "evil\nkind: Secret\n#.toml" };
    const [file] = emitYaml(m);
    expect(file!.content.split("\n")[1]).toBe("# source: evil kind: Secret #.toml → users_service");
    expect((parse(file!.content) as { kind: string }).kind).toBe("Service");
  });
});

describe("templates", () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)],
    );

  it("write every value through the json helper", () => {
    const all = files(TEMPLATE_ROOT);
    expect(all.length).toBeGreaterThan(8);
    for (const file of all) {
      const text = readFileSync(file, "utf8");
      const bare = [...text.matchAll(/\{\{(?!json |#if \(defined |#if |#each |#with |\/if\}\}|\/each\}\}|\/with\}\}|> |else\}\})[^}]*\}\}/g)];
      expect(bare.map((m) => m[0]), path.relative(TEMPLATE_ROOT, file)).toEqual([]);
      expect(text.includes("{{{"), file).toBe(false);
    }
  });
});
