// The spec-load cache with the real pipeline: a run whose loads come from it writes byte-for-byte what a run without
// any cache writes, and only a spec whose inputs changed is loaded again.
import { readdirSync, readFileSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { SpecDiskCache } from "../../src/cli/cache/specs.js";
import type { GenerateFn } from "../../src/cli/io.js";
import { generate } from "../../src/generate.js";
import { makeProject, run, writeFile } from "./helpers.js";

const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../examples");

/** The examples project: three OpenAPI specs and a .proto, four loads. */
function examples(): string {
  const files: Record<string, string> = {};
  for (const file of ["services.toml", "specs/auth.yaml", "specs/users.yaml", "specs/payments.yaml", "protos/auth.proto"]) {
    files[file] = readFileSync(path.join(EXAMPLES, file), "utf8");
  }
  return makeProject(files);
}

/** The real pipeline, with each run's spec cache kept to see what it served and stored. */
function watched(): { generate: GenerateFn; caches: SpecDiskCache[] } {
  const caches: SpecDiskCache[] = [];
  return {
    caches,
    generate: (request) => {
      caches.push(request.specCache as SpecDiskCache);
      return generate(request);
    },
  };
}

/** Every file's bytes, by path: equal trees hold the same files with the same content. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const abs = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, abs)] = readFileSync(abs, "utf8");
  }
  return out;
}

/** Loads, by the spec they read, sorted (loads are stored as they finish, on whichever thread). */
function described(keys: readonly string[]): string[] {
  return keys
    .map((key) => {
      const [kind, settings] = JSON.parse(key) as [string, { path?: string; files?: string[] }];
      return `${kind}:${settings.path ?? settings.files?.join()}`;
    })
    .sort();
}

const ALL = ["openapi:specs/auth.yaml", "openapi:specs/payments.yaml", "openapi:specs/users.yaml", "proto:protos/auth.proto"];

describe("spec cache", () => {
  it("a run whose loads all come from the cache writes exactly what a run without any cache writes", async () => {
    const cwd = examples();
    const pipeline = watched();
    expect((await run(cwd, ["gen", "--no-cache", "--out", "plain"], pipeline)).code).toBe(0);
    expect((await run(cwd, ["gen", "--out", "cold"], pipeline)).code).toBe(0);
    // Another output folder: the run's own entry does not apply, the spec entries do.
    expect((await run(cwd, ["gen", "--out", "warm"], pipeline)).code).toBe(0);

    expect(pipeline.caches[0]).toBeUndefined();
    expect(described(pipeline.caches[1]!.stored)).toEqual(ALL);
    expect(described(pipeline.caches[2]!.hits)).toEqual(ALL);
    expect(pipeline.caches[2]!.stored).toEqual([]);
    const plain = tree(path.join(cwd, "plain"));
    expect(Object.keys(plain).length).toBeGreaterThan(10);
    expect(tree(path.join(cwd, "cold"))).toEqual(plain);
    expect(tree(path.join(cwd, "warm"))).toEqual(plain);
    expect((await run(cwd, ["gen", "--check", "--no-cache", "--out", "warm"], pipeline)).code).toBe(0);
  });

  it("loads again only the spec that changed", async () => {
    const cwd = examples();
    const pipeline = watched();
    await run(cwd, ["gen"], pipeline);
    const before = tree(path.join(cwd, "generated"));
    const spec = path.join(cwd, "specs/payments.yaml");
    writeFile(cwd, "specs/payments.yaml", readFileSync(spec, "utf8").replace(/title: .*/, "title: Payments, renamed"));

    const result = await run(cwd, ["gen"], pipeline);
    expect(result.code).toBe(0);
    expect(described(pipeline.caches[1]!.hits)).toEqual(ALL.filter((load) => load !== "openapi:specs/payments.yaml"));
    expect(described(pipeline.caches[1]!.stored)).toEqual(["openapi:specs/payments.yaml"]);
    await run(cwd, ["gen", "--no-cache", "--out", "plain"], pipeline);
    expect(tree(path.join(cwd, "generated"))).toEqual(tree(path.join(cwd, "plain")));
    expect(tree(path.join(cwd, "generated"))).not.toEqual(before);
  });

  it("an edit to services.toml alone loads no spec, even one that moves every service's lines", async () => {
    const cwd = examples();
    const pipeline = watched();
    await run(cwd, ["gen"], pipeline);
    const config = readFileSync(path.join(cwd, "services.toml"), "utf8");
    writeFile(cwd, "services.toml", `# moved down\n\n${config.replace("timeout_ms = ", "timeout_ms = 1")}`);

    expect((await run(cwd, ["gen"], pipeline)).code).toBe(0);
    expect(described(pipeline.caches[1]!.hits)).toEqual(ALL);
    await run(cwd, ["gen", "--no-cache", "--out", "plain"], pipeline);
    expect(tree(path.join(cwd, "generated"))).toEqual(tree(path.join(cwd, "plain")));
  });

  it("a touched spec with the same bytes still comes from the cache", async () => {
    const cwd = examples();
    const pipeline = watched();
    await run(cwd, ["gen"], pipeline);
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(cwd, "specs/users.yaml"), later, later);
    writeFile(cwd, "services.toml", `${readFileSync(path.join(cwd, "services.toml"), "utf8")}\n# edited\n`);

    await run(cwd, ["gen"], pipeline);
    expect(described(pipeline.caches[1]!.hits)).toEqual(ALL);
  });

  it("a file appearing where a .proto import was looked for first loads that .proto again", async () => {
    const cwd = makeProject({
      "services.toml": '[external_services.grpc]\nurl = "http://grpc:8080"\nproto = "protos/api.proto"\nproto_paths = ["first", "second"]\n',
      "protos/api.proto": 'syntax = "proto3";\npackage api.v1;\nimport "common/types.proto";\nservice Api { rpc Get(common.Thing) returns (common.Thing); }\n',
      "second/common/types.proto": 'syntax = "proto3";\npackage common;\nmessage Thing { string second = 1; }\n',
    });
    const pipeline = watched();
    await run(cwd, ["gen"], pipeline);
    writeFile(cwd, "first/common/types.proto", 'syntax = "proto3";\npackage common;\nmessage Thing { string first = 1; }\n');

    expect((await run(cwd, ["gen"], pipeline)).code).toBe(0);
    expect(described(pipeline.caches[1]!.hits)).toEqual([]);
    expect(described(pipeline.caches[1]!.stored)).toEqual(["proto:protos/api.proto"]);
    const client = tree(path.join(cwd, "generated"))["clients/grpc/grpc.ts"];
    expect(client).toContain("first");
    expect(client).not.toContain("second");
  });

  it("a corrupt entry or another svcgen's is a miss, replaced by this run's load", async () => {
    const cwd = examples();
    const pipeline = watched();
    await run(cwd, ["gen"], { ...pipeline, fingerprint: "svcgen-a" });
    const dir = path.join(cwd, "node_modules/.cache/svcgen/specs");
    const entries = readdirSync(dir).sort();
    expect(entries).toHaveLength(4);
    writeFile(dir, entries[0]!, "garbage");
    writeFile(dir, entries[1]!, "");

    await run(cwd, ["gen", "--out", "b"], { ...pipeline, fingerprint: "svcgen-a" });
    expect(pipeline.caches[1]!.hits).toHaveLength(2);
    expect(pipeline.caches[1]!.stored).toHaveLength(2);
    await run(cwd, ["gen", "--out", "c"], { ...pipeline, fingerprint: "svcgen-b" });
    expect(pipeline.caches[2]!.hits).toEqual([]);
    expect(readdirSync(dir)).toHaveLength(4);
    expect(tree(path.join(cwd, "c"))).toEqual(tree(path.join(cwd, "generated")));
  });

  it("removes entries no run has used for 30 days when it stores one, and keeps those in use", async () => {
    const cwd = examples();
    const pipeline = watched();
    await run(cwd, ["gen"], pipeline);
    const dir = path.join(cwd, "node_modules/.cache/svcgen/specs");
    const old = new Date(Date.now() - 31 * 24 * 60 * 60 * 1000);
    writeFile(dir, "stale.bin", "from a spec long gone");
    utimesSync(path.join(dir, "stale.bin"), old, old);
    for (const entry of readdirSync(dir)) utimesSync(path.join(dir, entry), old, old);

    // users.yaml changes: its load is stored (and the folder pruned); the others are used, which marks them.
    writeFile(cwd, "specs/users.yaml", `${readFileSync(path.join(cwd, "specs/users.yaml"), "utf8")}\n# edited\n`);
    await run(cwd, ["gen"], pipeline);
    expect(described(pipeline.caches[1]!.hits)).toHaveLength(3);
    expect(readdirSync(dir)).toHaveLength(4);
    expect(readdirSync(dir)).not.toContain("stale.bin");
  });

  it("keeps no entry for a spec with an error, and reports it again on the next run", async () => {
    const cwd = examples();
    writeFile(cwd, "specs/users.yaml", "openapi: 3.0.3\ninfo: { title: Users, version: '1' }\npaths:\n  /u:\n    get:\n      responses: { '200': { $ref: '#/nope' } }\n");
    const pipeline = watched();
    const first = await run(cwd, ["gen"], pipeline);
    const second = await run(cwd, ["gen"], pipeline);
    expect(first.code).toBe(2);
    expect(second).toEqual(first);
    expect(described(pipeline.caches[0]!.stored)).toEqual(ALL.filter((load) => load !== "openapi:specs/users.yaml"));
    expect(described(pipeline.caches[1]!.hits)).toEqual(ALL.filter((load) => load !== "openapi:specs/users.yaml"));
    expect(statSync(path.join(cwd, "node_modules/.cache/svcgen/specs")).isDirectory()).toBe(true);
  });
});
