// The content-hash cache: a second `gen` with nothing changed must not run (or import) the pipeline.
import { existsSync, readdirSync, readFileSync, rmSync, utimesSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FakePipeline, generated, listTree, makeProject, run, snapshot, writeFile } from "./helpers.js";

function project(): { cwd: string; pipeline: FakePipeline } {
  const cwd = makeProject({ "services.toml": "[external_services]\nusers = 'http://users'\n", "specs/users.yaml": "openapi: 3.1.0\n" });
  const pipeline = new FakePipeline();
  pipeline.inputs = ["specs/users.yaml"];
  pipeline.files = [
    { path: "clients/users/index.ts", content: generated("users") },
    { path: "k8s/users.yaml", content: generated("kind: Service") },
  ];
  return { cwd, pipeline };
}

describe("cache", () => {
  it("skips the pipeline on a second run with nothing changed", async () => {
    const { cwd, pipeline } = project();
    const first = await run(cwd, ["gen"], { generate: pipeline.generate });
    expect(first.stdout).toBe("svcgen: 2 files written, 0 unchanged, 0 removed (generated/)\n");
    const before = snapshot(path.join(cwd, "generated"));

    const second = await run(cwd, ["gen"], { generate: pipeline.generate });
    expect(second).toEqual({ code: 0, stdout: "svcgen: generated/ is up to date\n", stderr: "" });
    expect(pipeline.calls).toHaveLength(1);
    expect(snapshot(path.join(cwd, "generated"))).toEqual(before);

    const check = await run(cwd, ["gen", "--check"], { generate: pipeline.generate });
    expect(check).toEqual({ code: 0, stdout: "svcgen: generated/ is up to date\n", stderr: "" });
    expect(pipeline.calls).toHaveLength(1);
  });

  it("lives in node_modules/.cache/svcgen, never in the output folder", async () => {
    const { cwd, pipeline } = project();
    await run(cwd, ["gen"], { generate: pipeline.generate });
    expect(readdirSync(path.join(cwd, "node_modules/.cache/svcgen"))).toHaveLength(1);
    expect(listTree(path.join(cwd, "generated"))).toEqual(["clients/", "clients/users/", "clients/users/index.ts", "k8s/", "k8s/users.yaml"]);
    const entry = readdirSync(path.join(cwd, "node_modules/.cache/svcgen"))[0] ?? "";
    const stored = JSON.parse(readFileSync(path.join(cwd, "node_modules/.cache/svcgen", entry), "utf8")) as { inputs: string[] };
    expect(stored.inputs).toEqual([path.join(cwd, "services.toml"), path.join(cwd, "specs/users.yaml")]);
  });

  it("falls back to SVCGEN_CACHE_DIR / the tmpdir when there is no node_modules", async () => {
    const { cwd, pipeline } = project();
    const cacheDir = path.join(cwd, "elsewhere");
    const env = { SVCGEN_CACHE_DIR: cacheDir };
    await run(cwd, ["gen"], { generate: pipeline.generate }, env);
    await run(cwd, ["gen"], { generate: pipeline.generate }, env);
    expect(pipeline.calls).toHaveLength(1);
    expect(readdirSync(cacheDir)).toHaveLength(1);
    expect(existsSync(path.join(cwd, "node_modules/.cache"))).toBe(false);
  });

  const invalidations: Array<[string, (cwd: string) => void]> = [
    ["the config changes", (cwd) => writeFile(cwd, "services.toml", "[external_services]\nusers = 'http://users:8080'\n")],
    ["an input spec changes", (cwd) => writeFile(cwd, "specs/users.yaml", "openapi: 3.0.3\n")],
    ["a generated file was edited", (cwd) => writeFile(cwd, "generated/k8s/users.yaml", generated("kind: Edited"))],
    ["a generated file was deleted", (cwd) => rmSync(path.join(cwd, "generated/k8s/users.yaml"))],
    ["an extra generated file appeared", (cwd) => writeFile(cwd, "generated/clients/old/index.ts", generated("old"))],
  ];
  it.each(invalidations)("runs the pipeline again when %s", async (_name, change) => {
    const { cwd, pipeline } = project();
    await run(cwd, ["gen"], { generate: pipeline.generate });
    change(cwd);
    const result = await run(cwd, ["gen"], { generate: pipeline.generate });
    expect(result.code).toBe(0);
    expect(pipeline.calls).toHaveLength(2);
    // And the run restores the output folder to what the pipeline produces.
    expect(readFileSync(path.join(cwd, "generated/k8s/users.yaml"), "utf8")).toBe(generated("kind: Service"));
    expect(existsSync(path.join(cwd, "generated/clients/old"))).toBe(false);
  });

  it("a user's file in the output folder does not invalidate it", async () => {
    const { cwd, pipeline } = project();
    await run(cwd, ["gen"], { generate: pipeline.generate });
    writeFile(cwd, "generated/README.md", "mine\n");
    await run(cwd, ["gen"], { generate: pipeline.generate });
    expect(pipeline.calls).toHaveLength(1);
  });

  it("a different svcgen (fingerprint) invalidates it", async () => {
    const { cwd, pipeline } = project();
    await run(cwd, ["gen"], { generate: pipeline.generate, fingerprint: "svcgen-a" });
    await run(cwd, ["gen"], { generate: pipeline.generate, fingerprint: "svcgen-a" });
    expect(pipeline.calls).toHaveLength(1);
    await run(cwd, ["gen"], { generate: pipeline.generate, fingerprint: "svcgen-b" });
    expect(pipeline.calls).toHaveLength(2);
  });

  it("--no-cache always runs the pipeline", async () => {
    const { cwd, pipeline } = project();
    await run(cwd, ["gen"], { generate: pipeline.generate });
    await run(cwd, ["gen", "--no-cache"], { generate: pipeline.generate });
    expect(pipeline.calls).toHaveLength(2);
  });

  it("keeps separate entries per output folder", async () => {
    const { cwd, pipeline } = project();
    await run(cwd, ["gen", "--out", "a"], { generate: pipeline.generate });
    await run(cwd, ["gen", "--out", "b"], { generate: pipeline.generate });
    expect(pipeline.calls).toHaveLength(2);
    await run(cwd, ["gen", "--out", "a"], { generate: pipeline.generate });
    await run(cwd, ["gen", "--out", "b"], { generate: pipeline.generate });
    expect(pipeline.calls).toHaveLength(2);
  });

  it("re-prints the last run's warnings on a cache hit", async () => {
    const { cwd, pipeline } = project();
    pipeline.diagnostics = [{ severity: "warning", code: "x", message: "careful", location: { file: "services.toml", line: 2, column: 1 } }];
    const first = await run(cwd, ["gen"], { generate: pipeline.generate });
    const second = await run(cwd, ["gen"], { generate: pipeline.generate });
    expect(pipeline.calls).toHaveLength(1);
    expect(second.stderr).toBe("services.toml:2:1: warning: careful\n");
    expect(second.stderr).toBe(first.stderr);
  });

  it("an input edit that introduces an error touches nothing, and fixing it back is a cache hit", async () => {
    const { cwd, pipeline } = project();
    await run(cwd, ["gen"], { generate: pipeline.generate });
    const before = snapshot(path.join(cwd, "generated"));
    const good = readFileSync(path.join(cwd, "services.toml"), "utf8");

    writeFile(cwd, "services.toml", "[external_services\n");
    pipeline.diagnostics = [{ severity: "error", code: "config/syntax", message: "invalid TOML", location: { file: "services.toml", line: 1, column: 19 } }];
    const bad = await run(cwd, ["gen"], { generate: pipeline.generate });
    expect(bad.code).toBe(2);
    expect(snapshot(path.join(cwd, "generated"))).toEqual(before);

    writeFile(cwd, "services.toml", good);
    pipeline.diagnostics = [];
    const fixed = await run(cwd, ["gen"], { generate: pipeline.generate });
    expect(fixed.stdout).toBe("svcgen: generated/ is up to date\n");
    expect(pipeline.calls).toHaveLength(2);
  });

  it("a vanished input is a miss, not a crash", async () => {
    const { cwd, pipeline } = project();
    await run(cwd, ["gen"], { generate: pipeline.generate });
    rmSync(path.join(cwd, "specs/users.yaml"));
    const result = await run(cwd, ["gen"], { generate: pipeline.generate });
    expect(result.code).toBe(0);
    expect(pipeline.calls).toHaveLength(2);
  });

  it("a file appearing where the last run looked for one and found none is a miss", async () => {
    const { cwd, pipeline } = project();
    pipeline.absent = ["first/common.proto"];
    await run(cwd, ["gen"], { generate: pipeline.generate });
    await run(cwd, ["gen"], { generate: pipeline.generate });
    expect(pipeline.calls).toHaveLength(1);
    writeFile(cwd, "first/common.proto", "syntax = 'proto3';\n");
    await run(cwd, ["gen"], { generate: pipeline.generate });
    expect(pipeline.calls).toHaveLength(2);
  });

  it("a corrupt cache entry is a miss", async () => {
    const { cwd, pipeline } = project();
    await run(cwd, ["gen"], { generate: pipeline.generate });
    const dir = path.join(cwd, "node_modules/.cache/svcgen");
    for (const entry of readdirSync(dir)) writeFile(dir, entry, "{not json");
    await run(cwd, ["gen"], { generate: pipeline.generate });
    expect(pipeline.calls).toHaveLength(2);
  });

  describe("sizes and mtimes before bytes", () => {
    const PAST = new Date("2020-01-01T00:00:00Z");
    const entryOf = (cwd: string): { writtenAt: number; inputStamps: Array<{ mtimeMs: number }> } => {
      const dir = path.join(cwd, "node_modules/.cache/svcgen");
      const file = readdirSync(dir).find((name) => name.endsWith(".json")) ?? "";
      return JSON.parse(readFileSync(path.join(dir, file), "utf8")) as { writtenAt: number; inputStamps: Array<{ mtimeMs: number }> };
    };
    /** Every input and output an old mtime, and one hit to record it: from then on the stamps are trusted. */
    const settled = async (cwd: string, pipeline: FakePipeline): Promise<void> => {
      for (const file of ["services.toml", "specs/users.yaml", "generated/clients/users/index.ts", "generated/k8s/users.yaml"]) {
        utimesSync(path.join(cwd, file), PAST, PAST);
      }
      await run(cwd, ["gen"], { generate: pipeline.generate });
      expect(entryOf(cwd).inputStamps.map((stamp) => stamp.mtimeMs)).toEqual([PAST.getTime(), PAST.getTime()]);
    };

    it("a no-op run trusts an unchanged size and mtime: it does not read the file", async () => {
      const { cwd, pipeline } = project();
      await run(cwd, ["gen"], { generate: pipeline.generate });
      await settled(cwd, pipeline);
      // Same size, same mtime, other bytes: what only reading the file would reveal.
      writeFile(cwd, "specs/users.yaml", "openapi: 3.1.1\n");
      utimesSync(path.join(cwd, "specs/users.yaml"), PAST, PAST);
      const result = await run(cwd, ["gen"], { generate: pipeline.generate });
      expect(result.stdout).toBe("svcgen: generated/ is up to date\n");
      expect(pipeline.calls).toHaveLength(1);
    });

    it("a touched file with the same bytes is a hit, and the entry takes its new mtime", async () => {
      const { cwd, pipeline } = project();
      await run(cwd, ["gen"], { generate: pipeline.generate });
      await settled(cwd, pipeline);
      const touched = new Date("2021-06-01T00:00:00Z");
      utimesSync(path.join(cwd, "specs/users.yaml"), touched, touched);
      await run(cwd, ["gen"], { generate: pipeline.generate });
      expect(pipeline.calls).toHaveLength(1);
      expect(entryOf(cwd).inputStamps[1]?.mtimeMs).toBe(touched.getTime());
    });

    it("a same-size edit is caught by its bytes while its mtime is too recent to trust", async () => {
      const { cwd, pipeline } = project();
      // An mtime the entry is written within two seconds of: a coarse clock could give a later edit the same one.
      const recent = new Date(Math.ceil(Date.now() / 1000) * 1000);
      utimesSync(path.join(cwd, "specs/users.yaml"), recent, recent);
      await run(cwd, ["gen"], { generate: pipeline.generate });
      writeFile(cwd, "specs/users.yaml", "openapi: 3.1.1\n");
      utimesSync(path.join(cwd, "specs/users.yaml"), recent, recent);
      await run(cwd, ["gen"], { generate: pipeline.generate });
      expect(pipeline.calls).toHaveLength(2);
    });
  });
});
