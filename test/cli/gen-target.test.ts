// `svcgen gen --target`: the real pipeline over a small project, switching between the `ts` and `js+dts` targets.
// The flag is not in any input file, so it must be part of the cache key: a cached `ts` run must not answer for
// `--target js+dts`.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listTree, makeProject, run } from "./helpers.js";

const SPEC = `openapi: 3.0.3
info: { title: Items, version: "1" }
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
`;

function project(toml = ""): string {
  return makeProject({ "services.toml": `${toml}[external_services.items]\nurl = "http://items:8080"\nopenapi = "items.yaml"\n`, "items.yaml": SPEC });
}

const clients = (cwd: string): string[] => listTree(path.join(cwd, "generated")).filter((f) => f.startsWith("clients/items/") && !f.endsWith("/"));

describe("gen --target", () => {
  it("writes .js + .d.ts and a package.json for js+dts, is cached per target, and switches back to .ts", async () => {
    const cwd = project();
    expect((await run(cwd, ["gen"])).code).toBe(0);
    expect(clients(cwd)).toEqual(["clients/items/index.ts", "clients/items/mock.ts", "clients/items/types.ts"]);

    // Same inputs, other target: not "up to date".
    const js = await run(cwd, ["gen", "--target", "js+dts"]);
    expect(js.code).toBe(0);
    expect(js.stdout).not.toContain("up to date");
    expect(clients(cwd)).toEqual([
      "clients/items/index.d.ts",
      "clients/items/index.js",
      "clients/items/mock.d.ts",
      "clients/items/mock.js",
      "clients/items/types.d.ts",
      "clients/items/types.js",
    ]);
    expect(JSON.parse(readFileSync(path.join(cwd, "generated/package.json"), "utf8"))).toMatchObject({ type: "module" });
    expect((await run(cwd, ["gen", "--target", "js+dts"])).stdout).toContain("up to date");

    expect((await run(cwd, ["gen", "--check"])).code).toBe(1);
    expect((await run(cwd, ["gen"])).code).toBe(0);
    expect(clients(cwd)).toEqual(["clients/items/index.ts", "clients/items/mock.ts", "clients/items/types.ts"]);
    expect(existsSync(path.join(cwd, "generated/package.json"))).toBe(false);
  });

  it("takes [output] target from services.toml; the flag wins", async () => {
    const cwd = project('[output]\ntarget = "js+dts"\n\n');
    expect((await run(cwd, ["gen"])).code).toBe(0);
    expect(clients(cwd)).toContain("clients/items/index.js");
    expect((await run(cwd, ["gen", "--target", "ts"])).code).toBe(0);
    expect(clients(cwd)).toEqual(["clients/items/index.ts", "clients/items/mock.ts", "clients/items/types.ts"]);
  });

  it("refuses an unknown target with exit 2, writing nothing", async () => {
    const cwd = project();
    const result = await run(cwd, ["gen", "--target", "js"]);
    expect(result).toMatchObject({ code: 2, stderr: 'svcgen: --target must be one of "ts", "js+dts", got "js"\n' });
    expect(existsSync(path.join(cwd, "generated"))).toBe(false);
  });
});
