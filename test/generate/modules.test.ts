// What a run loads, seen from a fresh process: one TypeScript compiler for OpenAPI (openapi-typescript's, required as
// CommonJS; ts-morph's never), nothing of protobufjs for OpenAPI alone, and nothing of Redocly, openapi-typescript or
// TypeScript for .proto alone.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { REPO } from "../support/repo.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "svcgen-modules-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPEC = `openapi: 3.0.3
info: { title: Items, version: "1" }
paths:
  /items:
    get:
      operationId: listItems
      responses: { "200": { description: ok } }
`;
const PROTO = 'syntax = "proto3";\npackage auth.v1;\nmessage M {}\nservice Auth { rpc Issue(M) returns (M); }\n';

/** Runs generate() in a child process; returns the CommonJS modules it loaded (package-relative). */
async function loadedBy(name: string, toml: string): Promise<{ modules: string[]; files: number }> {
  const root = path.join(dir, name);
  mkdirSync(path.join(root, "specs"), { recursive: true });
  writeFileSync(path.join(root, "services.toml"), toml);
  writeFileSync(path.join(root, "specs/items.yaml"), SPEC);
  writeFileSync(path.join(root, "specs/auth.proto"), PROTO);
  const script = `
    import { createRequire } from "node:module";
    import { generate } from ${JSON.stringify(pathToFileURL(path.join(REPO, "src/generate.ts")).href)};
    const result = await generate({ configPath: "services.toml", cwd: ${JSON.stringify(root)} });
    if (result.diagnostics.some((d) => d.severity === "error")) throw new Error(JSON.stringify(result.diagnostics));
    const modules = Object.keys(createRequire(import.meta.url).cache).map((f) => f.split("/node_modules/").slice(1).join("/node_modules/")).filter(Boolean);
    console.log(JSON.stringify({ modules, files: result.files.length }));
  `;
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: REPO });
  return JSON.parse(stdout) as { modules: string[]; files: number };
}

const compilers = (modules: string[]): string[] => modules.filter((m) => /(^|\/)typescript\.js$/.test(m));

describe("modules a run loads", () => {
  it("OpenAPI: openapi-typescript's TypeScript as CommonJS, no ts-morph, no protobufjs", async () => {
    const { modules, files } = await loadedBy("openapi", '[external_services.items]\nurl = "http://items:8080"\nopenapi = "specs/items.yaml"\n');
    expect(files).toBeGreaterThan(0);
    expect(compilers(modules)).toEqual(["typescript/lib/typescript.js"]);
    expect(modules.filter((m) => m.includes("ts-morph"))).toEqual([]);
    expect(modules).toContain("openapi-typescript/dist/index.cjs");
    expect(modules.filter((m) => m.startsWith("protobufjs/"))).toEqual([]);
  });

  it(".proto alone: no Redocly, openapi-typescript or TypeScript", async () => {
    const { modules, files } = await loadedBy("proto", '[external_services.auth]\nurl = "http://auth:8080"\nproto = "specs/auth.proto"\n');
    expect(files).toBeGreaterThan(0);
    expect(modules.filter((m) => /^(@redocly|openapi-typescript|typescript|ts-morph)\//.test(m))).toEqual([]);
    expect(modules.some((m) => m.startsWith("protobufjs/"))).toBe(true);
  });
});
