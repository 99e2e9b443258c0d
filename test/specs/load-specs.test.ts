// loadSpecs: one load per distinct spec, and worker threads hand back exactly what the main thread alone would have
// loaded: the same models, diagnostics and inputs, in the same order.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { deserialize } from "node:v8";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import type { CachedLoad, SpecCache } from "../../src/specs/cache.js";
import { loadSpecs } from "../../src/specs/index.js";

const created: string[] = [];
afterEach(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "svcgen-load-specs-"));
  created.push(root);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

const spec = (title: string, extra = ""): string => `openapi: 3.0.3
info: { title: ${title}, version: "1" }
paths:
  /items:
    get:
      operationId: list${title}
${extra}      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "./models.yaml#/Item" }
`;

// Warnings, errors and a proto among the specs, so order and relocation show.
const FILES = {
  "services.toml": [
    "[external_services.alpha]",
    'url = "http://alpha:8080"',
    'openapi = "specs/alpha.yaml"',
    "",
    "[external_services.broken]",
    'url = "http://broken:8080"',
    'openapi = "specs/broken.yaml"',
    "",
    "[external_services.grpc]",
    'url = "http://grpc:8080"',
    'proto = "protos/empty.proto"',
    "",
    "[external_services.beta]",
    'url = "http://beta:8080"',
    'openapi = "specs/beta.yaml"',
    "",
    "[external_services.alpha_again]",
    'url = "http://alpha-again:8080"',
    'openapi = "specs/alpha.yaml"',
    "",
  ].join("\n"),
  "specs/models.yaml": "Item:\n  type: object\n  properties:\n    id: { type: string }\n",
  "specs/alpha.yaml": spec("Alpha", '      requestBody: { content: { application/json: { schema: { type: object } } } }\n'),
  "specs/beta.yaml": spec("Beta"),
  "specs/broken.yaml": spec("Broken").replace("./models.yaml#/Item", "./models.yaml#/Missing"),
  "protos/empty.proto": 'syntax = "proto3";\npackage empty.v1;\nmessage Nothing {}\n',
};

async function load(root: string, threads: number | undefined, cache?: SpecCache) {
  const parsed = parseConfig(readFileSync(path.join(root, "services.toml"), "utf8"), "services.toml");
  expect(parsed.readable).toBeDefined();
  return loadSpecs(parsed.readable!.services, { configDir: root, cwd: root }, { ...(threads === undefined ? {} : { threads }), ...(cache ? { cache } : {}) });
}

describe("loadSpecs", () => {
  it("loads on two threads exactly what one thread loads, in the same order", async () => {
    const root = project(FILES);
    const one = await load(root, 1);
    const two = await load(root, 2);
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(2);
    expect({ ...two, threads: 1 }).toStrictEqual(one);

    // Registry order (OpenAPI, then proto), then service order (the config's, by key); a shared spec's warning
    // once per service.
    expect(one.diagnostics.map((d) => `${d.location.file}:${d.location.line ?? ""} ${d.code}`)).toEqual([
      "specs/alpha.yaml:7 openapi/body-ignored",
      "specs/alpha.yaml:7 openapi/body-ignored",
      "specs/broken.yaml:12 openapi/unresolved-ref",
      "services.toml:11 proto/no-services",
    ]);
    expect([...one.failed]).toEqual(["broken"]);
    expect([...one.specs.openapi.keys()]).toEqual(["alpha", "alpha_again", "beta"]);
    expect(one.specs.openapi.get("alpha_again")).toStrictEqual(one.specs.openapi.get("alpha"));
    expect(one.inputs).toEqual(
      ["specs/alpha.yaml", "specs/models.yaml", "specs/alpha.yaml", "specs/models.yaml", "specs/beta.yaml", "specs/models.yaml", "protos/empty.proto"].map(
        (file) => path.join(root, file),
      ),
    );
  });

  it("starts no worker thread for one spec to load, alone or beside cached ones", async () => {
    const two = [0, 1, 2, 12, 13, 14].map((line) => FILES["services.toml"].split("\n")[line]).join("\n");
    const root = project({ ...FILES, "services.toml": `${two}\n` });
    const cache = new MemoryCache();
    expect((await load(root, 4, cache)).threads).toBe(2);
    writeFileSync(path.join(root, "specs/beta.yaml"), spec("Beta", "      description: changed\n"));
    cache.entries.delete([...cache.entries.keys()].find((key) => key.includes("beta.yaml"))!);
    const warm = await load(root, 4, cache);
    expect(cache.gets.slice(-2)).toEqual([true, false]);
    expect(warm.threads).toBe(1);
  });

  it("by default starts worker threads only when the loads besides the largest hold a megabyte of spec or more", async () => {
    const small = await load(project(FILES), undefined);
    expect(small.threads).toBe(1);
    // A YAML comment weighs like spec text (the weight is the file's size) and costs nothing to load.
    const padding = `# ${"x".repeat(1 << 20)}\n`;
    const big = await load(project({ ...FILES, "specs/beta.yaml": spec("Beta") + padding, "specs/alpha.yaml": FILES["specs/alpha.yaml"] + padding }), undefined);
    expect(big.threads).toBe(Math.min(os.availableParallelism(), 4));
    // One megabyte in the largest load alone: the main thread would take it anyway.
    const one = await load(project({ ...FILES, "specs/beta.yaml": spec("Beta") + padding }), undefined);
    expect(one.threads).toBe(1);
  });

  it("loads a spec two services name alike once, and offers the cache only loads without errors", async () => {
    const root = project(FILES);
    const cache = new MemoryCache();
    await load(root, 2, cache);
    // alpha (shared by two services), beta and the proto; not broken.
    const described = cache.sets.map((key) => {
      const [kind, settings] = JSON.parse(key) as [string, { path?: string; files?: string[] }];
      return `${kind}:${settings.path ?? settings.files?.join()}`;
    });
    expect(described.sort()).toEqual([
      "openapi:specs/alpha.yaml",
      "openapi:specs/beta.yaml",
      "proto:protos/empty.proto",
    ]);
  });

  it("offers a worker thread's load with its v8.serialize() bytes, which are that load exactly", async () => {
    const root = project(FILES);
    const cache = new MemoryCache();
    await load(root, 2, cache);
    expect(cache.sets).toHaveLength(3);
    // Which thread took which spec is a race; whatever a worker loaded arrives serialized, and is what was offered.
    for (const [key, bytes] of cache.serialized) {
      if (bytes !== undefined) expect(deserialize(bytes)).toStrictEqual(cache.entries.get(key)!.load);
    }
  });

  it("takes cached loads as they are and moves their diagnostics at services.toml to where the key is now", async () => {
    const root = project(FILES);
    const cache = new MemoryCache();
    const cold = await load(root, 1, cache);
    // Two lines more above every service: the same keys, one line further down each.
    writeFileSync(path.join(root, "services.toml"), `# moved\n\n${FILES["services.toml"]}`);
    cache.gets.length = 0;
    const warm = await load(root, 1, cache);
    expect(cache.gets.filter((hit) => hit).length).toBe(3);
    expect(warm.specs).toStrictEqual(cold.specs);
    expect(warm.diagnostics.find((d) => d.code === "proto/no-services")?.location).toEqual({ file: "services.toml", line: 13, column: 1 });
  });
});

/** The SpecCache interface over a Map, to watch what loadSpecs asks and offers. */
class MemoryCache implements SpecCache {
  readonly entries = new Map<string, CachedLoad>();
  readonly sets: string[] = [];
  readonly gets: boolean[] = [];
  readonly serialized = new Map<string, Uint8Array | undefined>();

  get(key: string): CachedLoad | undefined {
    const found = this.entries.get(key);
    this.gets.push(found !== undefined);
    return found === undefined ? undefined : structuredClone(found);
  }

  set(key: string, cached: CachedLoad, _startedAt: number, serialized?: Uint8Array): void {
    this.sets.push(key);
    this.serialized.set(key, serialized);
    this.entries.set(key, structuredClone(cached));
  }
}
