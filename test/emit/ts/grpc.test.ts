// The TypeScript emitter's gRPC output: hostile .proto names and comments never become code, the gRPC runtime is
// copied only when a service has a gRPC client (it needs optional peer packages), output is deterministic, and a
// broken .proto stops `svcgen gen` with a located diagnostic before anything is written.
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { generate, readRuntime } from "../../../src/generate.js";
import { generateInto } from "../../support/generated.js";
import { REPO, TMP } from "../../support/repo.js";
import { typeCheck } from "../../support/tsc.js";
import { makeProject, run, snapshot, writeFile } from "../../cli/helpers.js";

const FIXTURES = path.join(REPO, "test", "fixtures", "proto");

/** The code of a TypeScript file with every comment removed. */
function codeOnly(text: string): string {
  const file = ts.createSourceFile("x.ts", text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  return ts.createPrinter({ removeComments: true }).printFile(file);
}

describe("hostile .proto input", () => {
  const out = path.join(TMP, "emit-grpc-hostile");

  it("yields code where names are safe identifiers and comments stay comments", async () => {
    const result = await generateInto(path.join(FIXTURES, "hostile"), out);
    expect(result.diagnostics).toEqual([]);
    const { code, output } = typeCheck(out);
    expect(output).toBe("");
    expect(code).toBe(0);
    for (const file of ["clients/then/index.ts", "clients/then/grpc.ts"]) {
      const text = readFileSync(path.join(out, file), "utf8");
      expect(text).toContain("process.exit"); // in the JSDoc ...
      const code = codeOnly(text);
      for (const bad of ["process.exit", "pwned", "</script>", "${"]) expect(code, `${file}: ${bad}`).not.toContain(bad); // ... never in code
    }
    const index = readFileSync(path.join(out, "clients/then/index.ts"), "utf8");
    // A method or service called Then must not make a client thenable.
    expect(index).toContain("then2: (request, options) =>");
    expect(index).not.toMatch(/^\s+then:/m);
  });

  it("imports without running any of it, and its client is not thenable", async () => {
    const before = new Set(Object.keys(globalThis));
    const barrel = (await import(pathToFileURL(path.join(out, "clients/index.ts")).href)) as Record<string, (o: object) => Record<string, unknown>>;
    expect(Object.keys(globalThis).filter((k) => !before.has(k))).toEqual([]);
    const client = barrel.createThenGrpcClient!({ baseUrl: "http://127.0.0.1:9", env: {} });
    expect("then" in client).toBe(false);
    expect(Object.keys(client.toString_ as object)).toEqual(["constructor_", "delete_", "then2"]);
    await (client.close as () => Promise<void>)();
  });
});

describe("the gRPC runtime copy", () => {
  it("is left out when no service has a gRPC client", async () => {
    const result = await generate({ configPath: "services.toml", cwd: path.join(REPO, "test", "golden", "seed") });
    expect(result.files.filter((f) => f.path.startsWith("runtime/grpc/"))).toEqual([]);
    expect(result.files.some((f) => f.path === "runtime/index.ts")).toBe(true);
  });

  it("is src/runtime/grpc verbatim when one does", async () => {
    const result = await generate({ configPath: "services.toml", cwd: path.join(FIXTURES, "catalog") });
    const copies = new Map(result.files.filter((f) => f.path.startsWith("runtime/grpc/")).map((f) => [f.path.slice("runtime/".length), f.content]));
    const sources = (await readRuntime()).filter((r) => r.path.startsWith("grpc/"));
    expect([...copies.keys()].sort()).toEqual(sources.map((r) => r.path).sort());
    for (const r of sources) expect(copies.get(r.path)!.endsWith(r.content), r.path).toBe(true);
  });

  it("imports only the runtime, node builtins and the gRPC peer packages", async () => {
    const allowed = /^(\.\.?\/.*\.js|node:[a-z_/0-9]+|@bufbuild\/protobuf(\/codegenv2|\/wkt)?|@connectrpc\/connect(-node)?)$/;
    for (const r of (await readRuntime()).filter((x) => x.path.startsWith("grpc/"))) {
      for (const [, specifier] of r.content.matchAll(/from "([^"]+)"/g)) expect(specifier, r.path).toMatch(allowed);
    }
  });
});

describe("output", () => {
  it("is byte-identical across runs", async () => {
    const a = await generate({ configPath: "services.toml", cwd: path.join(FIXTURES, "catalog") });
    const b = await generate({ configPath: "services.toml", cwd: path.join(FIXTURES, "catalog") });
    expect(b.files).toEqual(a.files);
    expect(a.files.map((f) => f.path).filter((p) => p.startsWith("clients/"))).toEqual(["clients/catalog/grpc.ts", "clients/catalog/index.ts", "clients/index.ts"]);
  });

  it("exports both factories from the barrel, for a service with a gRPC client", async () => {
    const result = await generate({ configPath: "services.toml", cwd: path.join(FIXTURES, "catalog") });
    expect(result.files.find((f) => f.path === "clients/index.ts")!.content).toContain(
      'export { createCatalogClient, createCatalogGrpcClient, type CatalogClient, type CatalogGrpcClient } from "./catalog/index.js";',
    );
  });
});

describe("the baked gRPC definition", () => {
  it("takes the grpc_port for the URL and every static endpoint, names the port for Kubernetes, keeps the codes", async () => {
    const project = makeProject({
      "services.toml":
        '[external_services.ledger]\nurl = "http://ledger-api:8080"\ngrpc_port = 9090\nproto = "ledger.proto"\ndiscovery = "static"\n' +
        'endpoints = ["http://10.0.0.5:8080", "http://10.0.0.6"]\nretry.grpc_retry_on = ["UNAVAILABLE", "ABORTED"]\nmesh.grpc_port_name = "grpc-api"\n',
      "ledger.proto": 'syntax = "proto3";\npackage ledger;\nmessage M {}\nservice Ledger { rpc Get(M) returns (M); }\n',
    });
    const result = await generate({ configPath: "services.toml", cwd: project });
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const index = result.files.find((f) => f.path === "clients/ledger/index.ts")!.content;
    const literal = index.slice(index.indexOf("export const ledgerGrpcDefinition"));
    expect(literal).toContain('url: "http://ledger-api:9090"');
    expect(literal).toContain('host: "10.0.0.5",\n        port: 9090');
    expect(literal).toContain('host: "10.0.0.6",\n        port: 9090');
    expect(literal).toContain('portName: "grpc-api"');
    expect(literal).toContain('grpcRetryOn: ["UNAVAILABLE", "ABORTED"]');
    // The HTTP definition keeps the URL's port.
    expect(index.slice(0, index.indexOf("export const ledgerGrpcDefinition"))).toContain('url: "http://ledger-api:8080"');
  });
});

describe("svcgen gen with a broken .proto", () => {
  it("prints file:line:col, exits 2 and writes nothing", async () => {
    const project = makeProject({
      "services.toml": '[external_services.auth]\nurl = "http://auth:8080"\nproto = "protos/auth.proto"\n',
      "protos/auth.proto": 'syntax = "proto3";\npackage auth;\nimport "missing.proto";\nmessage A {\n  string token = 1\n}\n',
      "generated/keep.txt": "kept\n",
    });
    const before = snapshot(path.join(project, "generated"));
    const result = await run(project, ["gen", "--no-cache"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      'protos/auth.proto:3:8: error: .proto import file not found: missing.proto (searched ./, protos/; add its directory to proto_paths)\n' +
        'protos/auth.proto:6:1: error: syntax error: expected ";" but found "}"\n',
    );
    expect(snapshot(path.join(project, "generated"))).toEqual(before);
    writeFile(project, "protos/missing.proto", 'syntax = "proto3";\n');
    writeFile(project, "protos/auth.proto", 'syntax = "proto3";\npackage auth;\nimport "missing.proto";\nmessage A {\n  string token = 1;\n}\nservice S { rpc Do(A) returns (A); }\n');
    const fixed = await run(project, ["gen", "--no-cache"]);
    expect(fixed.stderr).toBe("");
    expect(fixed.code).toBe(0);
    rmSync(project, { recursive: true, force: true });
  });
});
