// `svcgen gen --check`: a diff of the output folder, never a write.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { FakePipeline, generated, makeProject, run, snapshot, writeFile } from "./helpers.js";

function pipelineWith(files: Record<string, string>): FakePipeline {
  const pipeline = new FakePipeline();
  pipeline.files = Object.entries(files).map(([file, content]) => ({ path: file, content }));
  return pipeline;
}

describe("gen --check", () => {
  it("exits 0 with one short line when up to date, nothing with --quiet", async () => {
    const cwd = makeProject();
    const pipeline = pipelineWith({ "a.ts": generated("a"), "b/c.ts": generated("c") });
    await run(cwd, ["gen"], { generate: pipeline.generate });
    writeFile(path.join(cwd, "generated"), "README.md", "mine\n");
    expect(await run(cwd, ["gen", "--check", "--no-cache"], { generate: pipeline.generate })).toEqual({
      code: 0,
      stdout: "svcgen: generated/ is up to date\n",
      stderr: "",
    });
    expect(await run(cwd, ["gen", "--check", "--quiet", "--no-cache"], { generate: pipeline.generate })).toEqual({
      code: 0,
      stdout: "",
      stderr: "",
    });
  });

  it("lists changed, missing and extra files, sorted, exits 1, and writes nothing", async () => {
    const cwd = makeProject();
    const out = path.join(cwd, "generated");
    const pipeline = pipelineWith({
      "clients/a/index.ts": generated("a"),
      "clients/b/index.ts": generated("b"),
      "clients/old/index.ts": generated("old"),
      "k8s/a.yaml": generated("a"),
    });
    await run(cwd, ["gen"], { generate: pipeline.generate });
    writeFile(out, "README.md", "mine\n");
    const before = snapshot(out);

    pipeline.files = [
      { path: "clients/a/index.ts", content: generated("a2") },
      { path: "clients/b/index.ts", content: generated("b") },
      { path: "clients/new/index.ts", content: generated("new") },
      { path: "k8s/a.yaml", content: generated("a") },
    ];
    const result = await run(cwd, ["gen", "--check", "--no-cache"], { generate: pipeline.generate });
    expect(result).toEqual({
      code: 1,
      stdout:
        "stale: clients/a/index.ts (changed)\n" +
        "stale: clients/new/index.ts (missing)\n" +
        "stale: clients/old/index.ts (extra)\n",
      stderr: "svcgen: 3 files are stale in generated/; run `svcgen gen` and commit the result\n",
    });
    expect(snapshot(out)).toEqual(before);

    // --quiet keeps the list: it is the failure.
    const quiet = await run(cwd, ["gen", "--check", "--quiet", "--no-cache"], { generate: pipeline.generate });
    expect(quiet.code).toBe(1);
    expect(quiet.stdout.split("\n")).toHaveLength(4);
  });

  it("compares bytes when the sizes agree: same size, other bytes is changed; a folder where a file goes is changed", async () => {
    const cwd = makeProject();
    const out = path.join(cwd, "generated");
    const pipeline = pipelineWith({ "a.ts": generated("a"), "b.ts": generated("b"), "c.ts": generated("c") });
    await run(cwd, ["gen"], { generate: pipeline.generate });
    writeFile(out, "a.ts", generated("x")); // same length as generated("a")
    rmSync(path.join(out, "c.ts"));
    mkdirSync(path.join(out, "c.ts"));
    const result = await run(cwd, ["gen", "--check", "--no-cache"], { generate: pipeline.generate });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("stale: a.ts (changed)\nstale: c.ts (changed)\n");
  });

  it("treats a missing output folder as all files missing, and does not create it", async () => {
    const cwd = makeProject();
    const pipeline = pipelineWith({ "a.ts": generated("a") });
    const result = await run(cwd, ["gen", "--check"], { generate: pipeline.generate });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("stale: a.ts (missing)\n");
    expect(result.stderr).toBe("svcgen: 1 file is stale in generated/; run `svcgen gen` and commit the result\n");
    expect(existsSync(path.join(cwd, "generated"))).toBe(false);
  });

  it("exits 2 on an error diagnostic (bad input beats stale)", async () => {
    const cwd = makeProject();
    const pipeline = pipelineWith({ "a.ts": generated("a") });
    pipeline.diagnostics = [{ severity: "error", code: "config/x", message: "bad", location: { file: "services.toml", line: 1, column: 1 } }];
    const result = await run(cwd, ["gen", "--check"], { generate: pipeline.generate });
    expect(result).toEqual({ code: 2, stdout: "", stderr: "services.toml:1:1: error: bad\n" });
  });
});
