// Golden cases: every folder under test/golden/ is a project (services.toml + specs). Good cases are generated and
// compared byte for byte with <case>/expected/ (the runtime copy is left out there: runtime.test below checks it is
// src/runtime verbatim), then every output is type-checked under strict settings and imported. Cases that must be
// rejected run through the real CLI: their stderr is the golden file, exit code 2, and the output folder untouched.
// UPDATE_GOLDEN=1 rewrites the expected files instead of comparing.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { GeneratedFile } from "../src/emit/files.js";
import { generate, readRuntime } from "../src/generate.js";
import { run, snapshot } from "./cli/helpers.js";
import { REPO, TMP } from "./support/repo.js";
import { typeCheck } from "./support/tsc.js";

const GOLDEN = path.join(REPO, "test", "golden");
const OUT = path.join(TMP, "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

const CASES = readdirSync(GOLDEN, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
/** Inputs svcgen must refuse: bad TOML, bad specs, keys it cannot represent. */
const REJECTED = new Set(["bad-config", "bad-spec", "hostile-toml-keys"]);
const GOOD = CASES.filter((c) => !REJECTED.has(c));

function listFiles(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))]))
    .map((p) => p.split(path.sep).join("/"))
    .sort();
}

const isRuntime = (p: string): boolean => p.startsWith("runtime/");

/** Each good case's first run, by case: the later checks reuse it instead of generating again. */
const firstRuns = new Map<string, GeneratedFile[]>();
async function firstRun(name: string): Promise<GeneratedFile[]> {
  if (!firstRuns.has(name)) {
    const result = await generate({ configPath: "services.toml", cwd: path.join(GOLDEN, name) });
    expect(result.diagnostics.filter((d) => d.severity === "error"), name).toEqual([]);
    firstRuns.set(name, result.files);
  }
  return firstRuns.get(name)!;
}

describe.each(GOOD)("golden %s", (name) => {
  const caseDir = path.join(GOLDEN, name);
  const expectedDir = path.join(caseDir, "expected");
  const outDir = path.join(OUT, name);

  it("generates exactly the expected files, without diagnostics errors", async () => {
    const files = await firstRun(name);
    rmSync(outDir, { recursive: true, force: true });
    for (const f of files) {
      mkdirSync(path.dirname(path.join(outDir, f.path)), { recursive: true });
      writeFileSync(path.join(outDir, f.path), f.content);
    }
    const produced = files.filter((f) => !isRuntime(f.path));
    if (UPDATE) {
      rmSync(expectedDir, { recursive: true, force: true });
      for (const f of produced) {
        mkdirSync(path.dirname(path.join(expectedDir, f.path)), { recursive: true });
        writeFileSync(path.join(expectedDir, f.path), f.content);
      }
    }
    expect(produced.map((f) => f.path)).toEqual(listFiles(expectedDir));
    for (const f of produced) expect(f.content, f.path).toBe(readFileSync(path.join(expectedDir, f.path), "utf8"));
  });

  it("is deterministic: a second run gives byte-identical files", async () => {
    const again = await generate({ configPath: "services.toml", cwd: caseDir });
    expect(again.files).toEqual(await firstRun(name));
  });
});

describe("golden outputs compile and load", () => {
  beforeAll(async () => {
    // The per-case tests above ran each case once; a case not run yet (vitest -t) is generated here.
    rmSync(CHECK, { recursive: true, force: true });
    const groups = new Map<string, string>();
    for (const name of GOOD) {
      const files = await firstRun(name);
      const outDir = path.join(OUT, name);
      rmSync(outDir, { recursive: true, force: true });
      for (const f of files) {
        mkdirSync(path.dirname(path.join(outDir, f.path)), { recursive: true });
        writeFileSync(path.join(outDir, f.path), f.content);
      }
      // For tsc: cases with the same runtime share one copy of it (`<group>/runtime`), their clients beside it as
      // `<group>/clients-<case>`, whose `../runtime` imports land on it. Checked per case, tsc would parse and bind
      // the runtime once per case.
      const runtime = files.filter((f) => isRuntime(f.path));
      const key = JSON.stringify(runtime.map((f) => [f.path, f.content]));
      let group = groups.get(key);
      if (group === undefined) {
        group = path.join(CHECK, `runtime-${groups.size + 1}`);
        groups.set(key, group);
        for (const f of runtime) write(group, f.path, f.content);
      }
      for (const f of files.filter((f) => f.path.startsWith("clients/"))) write(group, `clients-${name}${f.path.slice("clients".length)}`, f.content);
      checked.push(path.join(group, `clients-${name}`, "index.ts"));
    }
  });
  const CHECK = path.join(TMP, "golden-check");
  const checked: string[] = [];
  const write = (dir: string, file: string, content: string): void => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  };

  it("type-checks every good case under strict, exactOptionalPropertyTypes and noUncheckedIndexedAccess", () => {
    const { code, output } = typeCheck(CHECK, ["**/*.ts"], ["--listFiles"]);
    const listed = new Set(output.split("\n").map((l) => l.trim()));
    expect(checked.filter((file) => !listed.has(file))).toEqual([]);
    expect(output.split("\n").filter((l) => l.trim() !== "" && !path.isAbsolute(l.trim()))).toEqual([]);
    expect(code).toBe(0);
  });

  it.each(GOOD)("%s: importing the clients barrel runs no code from the specs and creates working factories", async (name) => {
    const before = new Set(Object.keys(globalThis));
    const barrel = (await import(pathToFileURL(path.join(OUT, name, "clients/index.ts")).href)) as Record<string, unknown>;
    // Hostile specs carry `process.exit(1)`, template literals and `</script>`: had any become code, this worker
    // would have died or grown globals.
    expect(Object.keys(globalThis).filter((k) => !before.has(k))).toEqual([]);
    const factories = Object.entries(barrel).filter(([k, v]) => k.startsWith("create") && typeof v === "function");
    expect(factories.length).toBeGreaterThan(0);
    for (const [, create] of factories) {
      const client = (create as (o: object) => { describe(): unknown; close(): Promise<void> })({ baseUrl: "http://127.0.0.1:9" });
      expect(client.describe()).toBeTruthy();
      await client.close();
    }
  });
});

describe("runtime copies", () => {
  it("every good case carries src/runtime verbatim below a generated header", async () => {
    const runtime = await readRuntime();
    const result = await generate({ configPath: "services.toml", cwd: path.join(GOLDEN, "seed") });
    const copies = new Map(result.files.filter((f) => isRuntime(f.path)).map((f) => [f.path.slice("runtime/".length), f.content]));
    const http = runtime.filter((r) => !r.path.startsWith("grpc/"));
    expect([...copies.keys()].filter((p) => !p.startsWith("grpc/")).sort()).toEqual(http.map((r) => r.path).sort());
    for (const r of http) {
      const copy = copies.get(r.path)!;
      expect(copy.endsWith(r.content), r.path).toBe(true);
      expect(copy.slice(0, copy.length - r.content.length)).toContain("generated by svcgen");
    }
  });
});

describe.each([...REJECTED].sort())("rejected %s", (name) => {
  it("reports every problem as file:line:col, exits 2 and touches nothing", async () => {
    const caseDir = path.join(GOLDEN, name);
    const expectedFile = path.join(caseDir, "expected", "stderr.txt");
    const project = path.join(OUT, `${name}-project`);
    rmSync(project, { recursive: true, force: true });
    // A copy, so the pre-existing output folder lives in scratch space.
    for (const file of listFiles(caseDir).filter((f) => !f.startsWith("expected/"))) {
      mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
      writeFileSync(path.join(project, file), readFileSync(path.join(caseDir, file)));
    }
    mkdirSync(path.join(project, "generated/clients/old"), { recursive: true });
    writeFileSync(path.join(project, "generated/clients/old/index.ts"), "// generated by svcgen — do not edit\nexport {};\n");
    writeFileSync(path.join(project, "generated/mine.txt"), "kept\n");
    const before = snapshot(path.join(project, "generated"));

    const result = await run(project, ["gen", "--no-cache"]);
    if (UPDATE) {
      mkdirSync(path.dirname(expectedFile), { recursive: true });
      writeFileSync(expectedFile, result.stderr);
    }
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(readFileSync(expectedFile, "utf8"));
    for (const line of result.stderr.trimEnd().split("\n")) {
      expect(line).toMatch(/^[^:\s]+(:\d+:\d+|#\/[^:]*): error: /);
    }
    expect(snapshot(path.join(project, "generated"))).toEqual(before);
  });
});
