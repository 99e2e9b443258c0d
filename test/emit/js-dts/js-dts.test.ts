// The js+dts target as a function of the ts target's files: every good golden case and the example project turn into
// .js + .d.ts pairs that keep the generated header on top, load in Node, and whose declarations type-check strictly
// (skipLibCheck off: what a user without it sees); YAML passes through untouched; the same input gives the same
// bytes; and a source the compiler cannot take on its own text stops the run with the file and line.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { GENERATED_MARKER, type GeneratedFile } from "../../../src/emit/files.js";
import { toJsDts } from "../../../src/emit/js-dts/index.js";
import { applyTarget } from "../../../src/emit/targets.js";
import { generate } from "../../../src/generate.js";
import { REPO, TMP } from "../../support/repo.js";
import { STRICT_OPTIONS } from "../../support/tsc.js";

const GOLDEN = path.join(REPO, "test", "golden");
const REJECTED = new Set(["bad-config", "bad-spec", "hostile-toml-keys"]);
/** Every good golden case, and the example project (examples/services.toml) as "examples". */
const CASES: Array<[string, string]> = [
  ...readdirSync(GOLDEN, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !REJECTED.has(e.name))
    .map((e): [string, string] => [e.name, path.join(GOLDEN, e.name)])
    .sort(),
  ["examples", path.join(REPO, "examples")],
];
const OUT = path.join(TMP, "js-dts");
/** The same declarations laid out for one tsc run; see writeForCheck. */
const CHECK = path.join(TMP, "js-dts-check");

const ts = new Map<string, GeneratedFile[]>();
const js = new Map<string, GeneratedFile[]>();

beforeAll(async () => {
  rmSync(OUT, { recursive: true, force: true });
  rmSync(CHECK, { recursive: true, force: true });
  for (const [name, dir] of CASES) {
    const result = await generate({ configPath: "services.toml", cwd: dir });
    expect(result.diagnostics.filter((d) => d.severity === "error"), name).toEqual([]);
    ts.set(name, result.files);
    js.set(name, toJsDts(result.files));
    writeFiles(path.join(OUT, name), js.get(name)!);
    writeForCheck(name, js.get(name)!);
  }
});

function writeFiles(dir: string, files: readonly GeneratedFile[]): void {
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.content);
  }
}

/**
 * The declarations as tsc checks them. Every case carries one of a few runtimes (with gRPC or without); written per
 * case, tsc would check each runtime's declarations once per case, most of this file's time. So cases with the same
 * runtime share one folder: `<group>/runtime` once, and each case's clients as `<group>/clients-<case>`, where their
 * `../runtime` and `../../runtime` imports land on it.
 */
const groups = new Map<string, string>();
function writeForCheck(name: string, files: readonly GeneratedFile[]): void {
  const runtime = files.filter((f) => f.path.startsWith("runtime/"));
  const key = JSON.stringify(runtime.map((f) => [f.path, f.content]));
  let group = groups.get(key);
  if (group === undefined) {
    group = path.join(CHECK, `runtime-${groups.size + 1}`);
    groups.set(key, group);
    writeFiles(group, runtime);
  }
  const clients = files.filter((f) => f.path.startsWith("clients/")).map((f) => ({ ...f, path: `clients-${name}${f.path.slice("clients".length)}` }));
  writeFiles(group, clients);
}

describe.each(CASES.map(([name]) => name))("js+dts %s", (name) => {
  it("turns every .ts into a .js and a .d.ts under the same header, and passes every other file through", () => {
    const before = ts.get(name)!;
    const after = js.get(name)!;
    const byPath = new Map(after.map((f) => [f.path, f.content]));
    for (const f of before) {
      if (!f.path.endsWith(".ts")) {
        expect(byPath.get(f.path), f.path).toBe(f.content);
        continue;
      }
      const header = /^(?:\/\/[^\n]*\n)+\n/.exec(f.content)![0];
      const base = f.path.slice(0, -3);
      expect(byPath.has(f.path), `${f.path} is left`).toBe(false);
      for (const out of [`${base}.js`, `${base}.d.ts`]) {
        expect(byPath.get(out)?.startsWith(header), out).toBe(true);
        expect(byPath.get(out)!.split("\n", 1)[0], out).toBe(`// ${GENERATED_MARKER}`);
      }
    }
    const expected = [
      ...before.filter((f) => !f.path.endsWith(".ts")).map((f) => f.path),
      ...before.filter((f) => f.path.endsWith(".ts")).flatMap((f) => [`${f.path.slice(0, -3)}.js`, `${f.path.slice(0, -3)}.d.ts`]),
      "package.json",
    ].sort();
    expect(after.map((f) => f.path)).toEqual(expected);
  });

  it("keeps a module of types alone as its own declarations, with an empty module beside it", () => {
    for (const f of ts.get(name)!.filter((f) => /^clients\/[^/]+\/types\.ts$/.test(f.path))) {
      const base = f.path.slice(0, -3);
      const header = /^(?:\/\/[^\n]*\n)+\n/.exec(f.content)![0];
      expect(js.get(name)!.find((o) => o.path === `${base}.d.ts`)?.content).toBe(f.content);
      expect(js.get(name)!.find((o) => o.path === `${base}.js`)?.content).toBe(`${header}export {};\n`);
    }
  });

  it("loads in Node, runs no code from the specs, and its factories create working clients", async () => {
    const before = new Set(Object.keys(globalThis));
    const barrel = (await import(pathToFileURL(path.join(OUT, name, "clients/index.js")).href)) as Record<string, unknown>;
    expect(Object.keys(globalThis).filter((k) => !before.has(k))).toEqual([]);
    const factories = Object.entries(barrel).filter(([k, v]) => k.startsWith("create") && typeof v === "function");
    expect(factories.length).toBeGreaterThan(0);
    for (const [, create] of factories) {
      const client = (create as (o: object) => { describe(): unknown; close(): Promise<void> })({ baseUrl: "http://127.0.0.1:9", env: {} });
      expect(client.describe()).toBeTruthy();
      await client.close();
    }
  });

  it("is deterministic: the same files give the same bytes", () => {
    expect(toJsDts(ts.get(name)!)).toEqual(js.get(name));
  });
});

describe("the declarations", () => {
  it("type-check under strict, exactOptionalPropertyTypes and noUncheckedIndexedAccess without skipLibCheck", () => {
    // skipLibCheck off checks the peers' own declarations too; only lines about the generated files count here.
    const options = { ...STRICT_OPTIONS, skipLibCheck: false, typeRoots: [path.join(REPO, "node_modules/@types")] };
    writeFileSync(path.join(CHECK, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(path.join(CHECK, "tsconfig.json"), JSON.stringify({ compilerOptions: options, include: ["**/*.d.ts"] }, null, 2));
    const r = spawnSync(process.execPath, [path.join(REPO, "node_modules/typescript/bin/tsc"), "-p", CHECK, "--listFiles"], { encoding: "utf8", maxBuffer: 64 << 20 });
    // Every case's declarations were among the files checked.
    const listed = new Set(r.stdout.split("\n").map((l) => l.trim()));
    for (const [name] of CASES) {
      const group = [...groups.values()].find((g) => listed.has(path.join(g, `clients-${name}`, "index.d.ts")));
      expect(group, `clients-${name}/index.d.ts checked`).toBeDefined();
    }
    const ours = `${r.stdout}${r.stderr}`.split("\n").filter((l) => /error TS/.test(l) && !l.includes("node_modules"));
    expect(ours).toEqual([]);
  });
});

describe("applyTarget", () => {
  it('"ts" returns the files as they are; "js+dts" is toJsDts', async () => {
    const files = ts.get("seed")!;
    expect(await applyTarget(files, "ts")).toEqual(files);
    expect(await applyTarget(files, "js+dts")).toEqual(js.get("seed"));
  });
});

describe("a source the compiler cannot take on its own text", () => {
  it("stops with the file, line and reason (svcgen's bug, never silently an `any`)", () => {
    const files: GeneratedFile[] = [
      { path: "runtime/x.ts", content: `// ${GENERATED_MARKER}\n// source: test\n\nexport const limit = 32 * 1024;\n` },
    ];
    expect(() => toJsDts(files)).toThrow(
      "runtime/x.ts(1,14): error TS9010: Variable must have an explicit type annotation with --isolatedDeclarations.",
    );
  });
});
