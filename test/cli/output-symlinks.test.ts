// `svcgen gen` never writes, creates folders or removes through a symbolic link inside the output folder: the run is
// refused up front (exit 2, one line per link, named from the current directory) and nothing anywhere changes. The
// output folder itself may be a link, and links the run does not go through are left alone.
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FakePipeline, generated, makeProject, run, writeFile } from "./helpers.js";

const REFUSAL = "is a symbolic link; svcgen never writes through links inside the output folder (remove it, or point --out at the real folder)";

function pipelineWith(files: Record<string, string>): FakePipeline {
  const pipeline = new FakePipeline();
  pipeline.files = Object.entries(files).map(([file, content]) => ({ path: file, content }));
  return pipeline;
}

/** Every entry under `dir` by lstat (links are not followed): bytes, link targets, mtimes and inodes. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (absolute: string, relative: string): void => {
    for (const name of readdirSync(absolute).sort()) {
      const child = path.join(absolute, name);
      const rel = relative === "" ? name : `${relative}/${name}`;
      const stat = lstatSync(child);
      if (stat.isSymbolicLink()) out[rel] = `-> ${readlinkSync(child)} mtime=${stat.mtimeMs} ino=${stat.ino}`;
      else if (stat.isDirectory()) {
        out[`${rel}/`] = `dir mtime=${stat.mtimeMs} ino=${stat.ino}`;
        walk(child, rel);
      } else out[rel] = `${readFileSync(child, "utf8")} mtime=${stat.mtimeMs} ino=${stat.ino}`;
    }
  };
  walk(dir, "");
  return out;
}

const FIRST = {
  "clients/users/index.ts": generated("users v1"),
  "clients/old/index.ts": generated("old"),
  "runtime/index.ts": generated("runtime v1"),
  "k8s/users.yaml": generated("kind: Service v1"),
};
/** Changes every file and drops clients/old: a run would write, remove and prune. */
const SECOND = {
  "clients/users/index.ts": generated("users v2"),
  "clients/users/types.ts": generated("types v2"),
  "runtime/index.ts": generated("runtime v2"),
  "k8s/users.yaml": generated("kind: Service v2"),
};

/** A project generated once with FIRST, whose pipeline now produces SECOND. */
async function generatedProject(): Promise<{ cwd: string; out: string; pipeline: FakePipeline }> {
  const cwd = makeProject();
  const pipeline = pipelineWith(FIRST);
  expect((await run(cwd, ["gen"], { generate: pipeline.generate })).code).toBe(0);
  pipeline.files = pipelineWith(SECOND).files;
  return { cwd, out: path.join(cwd, "generated"), pipeline };
}

describe("links inside the output folder", () => {
  const cases: [string, { link: string; target: string; setup: (cwd: string) => void }][] = [
    [
      "a folder linked elsewhere (generated/clients -> ../elsewhere)",
      {
        link: "generated/clients",
        target: "../elsewhere",
        setup: (cwd) => {
          writeFile(cwd, "elsewhere/users/index.ts", "// someone else's file, same path as a generated one\n");
          writeFile(cwd, "elsewhere/old/index.ts", generated("looks stale, is not ours"));
          writeFile(cwd, "elsewhere/notes.txt", "keep me\n");
        },
      },
    ],
    [
      "a file linked elsewhere (generated/runtime/index.ts -> ../../secret.txt)",
      { link: "generated/runtime/index.ts", target: "../../secret.txt", setup: (cwd) => writeFile(cwd, "secret.txt", "top secret\n") },
    ],
    ["a dangling folder link (generated/k8s -> ../nowhere)", { link: "generated/k8s", target: "../nowhere", setup: () => undefined }],
  ];

  it.each(cases)("%s: refused with exit 2, and nothing anywhere changes", async (_name, { link, target, setup }) => {
    const { cwd, pipeline } = await generatedProject();
    setup(cwd);
    rmSync(path.join(cwd, link), { recursive: true, force: true });
    symlinkSync(target, path.join(cwd, link));
    const before = tree(cwd);

    const result = await run(cwd, ["gen"], { generate: pipeline.generate });
    expect(result).toEqual({ code: 2, stdout: "", stderr: `${link}: error: ${REFUSAL}\n` });
    // The whole project, link targets and the cache folder included, byte for byte.
    expect(tree(cwd)).toEqual(before);
  });

  it("--check reports the link instead of following it, exits non-zero, and writes nothing", async () => {
    const { cwd, pipeline } = await generatedProject();
    writeFile(cwd, "elsewhere/users/index.ts", generated("users v2")); // would read as up to date through the link
    rmSync(path.join(cwd, "generated/clients"), { recursive: true });
    symlinkSync("../elsewhere", path.join(cwd, "generated/clients"));
    const before = tree(cwd);

    const result = await run(cwd, ["gen", "--check"], { generate: pipeline.generate });
    expect(result).toEqual({ code: 2, stdout: "", stderr: `generated/clients: error: ${REFUSAL}\n` });
    expect(tree(cwd)).toEqual(before);
  });

  it("names every link once, sorted, relative to the current directory (--out elsewhere)", async () => {
    const cwd = makeProject();
    const pipeline = pipelineWith(SECOND);
    mkdirSync(path.join(cwd, "out/gen/runtime"), { recursive: true });
    writeFile(cwd, "target/file.ts", "mine\n");
    symlinkSync("../../target/file.ts", path.join(cwd, "out/gen/runtime/index.ts"));
    symlinkSync("../../target", path.join(cwd, "out/gen/clients"));
    const before = tree(cwd);
    const result = await run(cwd, ["gen", "--out", "out/gen"], { generate: pipeline.generate });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`out/gen/clients: error: ${REFUSAL}\nout/gen/runtime/index.ts: error: ${REFUSAL}\n`);
    expect(tree(cwd)).toEqual(before);
  });

  it("leaves links the run does not go through alone, and never removes stale-looking files behind them", async () => {
    const { cwd, out, pipeline } = await generatedProject();
    writeFile(cwd, "docs/old.ts", generated("looks stale, is not ours"));
    symlinkSync("../docs", path.join(out, "docs"));
    const docsBefore = tree(path.join(cwd, "docs"));

    // --no-cache: the fake pipeline's output changed while its inputs did not (see gen.test.ts).
    const result = await run(cwd, ["gen", "--no-cache"], { generate: pipeline.generate });
    expect(result).toEqual({ code: 0, stdout: "svcgen: 4 files written, 0 unchanged, 1 removed (generated/)\n", stderr: "" });
    expect(tree(path.join(cwd, "docs"))).toEqual(docsBefore);
    expect(lstatSync(path.join(out, "docs")).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(out, "clients/users/types.ts"), "utf8")).toBe(generated("types v2"));
  });

  it("skips saving the cache, rather than refusing, when the cache folder inside the output is behind a link", async () => {
    const { cwd, out, pipeline } = await generatedProject();
    mkdirSync(path.join(cwd, "cache-target"));
    symlinkSync("../cache-target", path.join(out, ".cache"));
    const env = { SVCGEN_CACHE_DIR: "generated/.cache/svcgen" };
    const result = await run(cwd, ["gen"], { generate: pipeline.generate }, env);
    expect(result).toEqual({ code: 0, stdout: "svcgen: 4 files written, 0 unchanged, 1 removed (generated/)\n", stderr: "" });
    expect(readdirSync(path.join(cwd, "cache-target"))).toEqual([]);
  });
});

describe("the output folder itself a link", () => {
  it("is followed once: files are written, replaced and removed in the real folder, and the link stays", async () => {
    const cwd = makeProject();
    mkdirSync(path.join(cwd, "build/generated"), { recursive: true });
    symlinkSync("build/generated", path.join(cwd, "generated"));
    const pipeline = pipelineWith(FIRST);

    expect(await run(cwd, ["gen"], { generate: pipeline.generate })).toEqual({
      code: 0,
      stdout: "svcgen: 4 files written, 0 unchanged, 0 removed (generated/)\n",
      stderr: "",
    });
    pipeline.files = pipelineWith(SECOND).files;
    expect((await run(cwd, ["gen", "--no-cache"], { generate: pipeline.generate })).stdout).toBe(
      "svcgen: 4 files written, 0 unchanged, 1 removed (generated/)\n",
    );
    expect(lstatSync(path.join(cwd, "generated")).isSymbolicLink()).toBe(true);
    expect(Object.keys(tree(path.join(cwd, "build/generated"))).filter((p) => !p.endsWith("/"))).toEqual([
      "clients/users/index.ts",
      "clients/users/types.ts",
      "k8s/users.yaml",
      "runtime/index.ts",
    ]);
    expect(readFileSync(path.join(cwd, "build/generated/runtime/index.ts"), "utf8")).toBe(generated("runtime v2"));
    expect(await run(cwd, ["gen", "--check", "--no-cache"], { generate: pipeline.generate })).toMatchObject({ code: 0 });
  });
});
