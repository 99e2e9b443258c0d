// `svcgen graph` through main(): the real pipeline, output to stdout or one file, config errors as `gen` reports them.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { GenerateFn } from "../../src/cli/io.js";
import { generate as realGenerate } from "../../src/generate.js";
import { REPO } from "../support/repo.js";
import { FakePipeline, makeProject, run, snapshot } from "./helpers.js";

const CONFIG = `[service]
name = "web"

[external_services.users]
url = "http://users-api:8080"
timeout_ms = 2500
`;

describe("svcgen graph", () => {
  it("prints the example's Mermaid picture to stdout by default", async () => {
    const result = await run(REPO, ["graph", "--config", "examples/services.toml"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^flowchart LR\n {2}caller\(\["order-api"\]\)\n/);
    for (const key of ["auth_service", "payments_service", "users_service"]) {
      expect(result.stdout).toContain(`  svc_${key}["${key}<br/>`);
      expect(result.stdout).toMatch(new RegExp(`\n  caller -->\\|"HTTP :8080[^\n]*\\| svc_${key}\n`));
    }
  });

  it("stops the pipeline at the model: nothing is emitted for a picture", async () => {
    const emitted: number[] = [];
    const generate: GenerateFn = async (request) => {
      const result = await realGenerate(request);
      emitted.push(result.files.length);
      return result;
    };
    const result = await run(REPO, ["graph", "--config", "examples/services.toml"], { generate });
    expect(result.code).toBe(0);
    expect(emitted).toEqual([0]);
  });

  it("-o writes the file and only says so on stdout", async () => {
    const cwd = makeProject({ "services.toml": CONFIG });
    const result = await run(cwd, ["graph", "--format", "svg", "-o", "docs/deps.svg"]);
    expect(result).toEqual({ code: 0, stdout: "svcgen: svg graph written to docs/deps.svg\n", stderr: "" });
    const svg = readFileSync(path.join(cwd, "docs/deps.svg"), "utf8");
    expect(svg).toMatch(/^<\?xml/);
    expect(svg).toContain(">users</text>");
    expect(svg).toContain(">timeout 2500ms</text>");
  });

  it("--output with --format dot, and DOT on stdout without it", async () => {
    const cwd = makeProject({ "services.toml": CONFIG });
    const written = await run(cwd, ["graph", "--format", "dot", "--output", "deps.dot"]);
    expect(written.code).toBe(0);
    const printed = await run(cwd, ["graph", "--format", "dot"]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/^digraph dependencies \{\n/);
    expect(readFileSync(path.join(cwd, "deps.dot"), "utf8")).toBe(printed.stdout);
  });

  it("a config error is reported as file:line:col, exits 2 and writes nothing", async () => {
    const cwd = makeProject({ "services.toml": `${CONFIG}timeout_msx = 5\n` });
    const before = snapshot(cwd);
    const result = await run(cwd, ["graph", "-o", "deps.mmd"]);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: 'services.toml:7:1: error: unknown key "timeout_msx" in [external_services.users]; did you mean "timeout_ms"?\n',
    });
    expect(snapshot(cwd)).toEqual(before);
  });

  it("a missing config is exit 2", async () => {
    const result = await run(makeProject(), ["graph", "--config", "nope.toml"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("nope.toml: error: config file not found: nope.toml\n");
  });

  it("an unknown --format is exit 2 before the pipeline runs", async () => {
    const pipeline = new FakePipeline();
    const result = await run(makeProject(), ["graph", "--format", "png"], { generate: pipeline.generate });
    expect(result).toEqual({ code: 2, stdout: "", stderr: 'svcgen: --format must be one of "mermaid", "dot", "svg", got "png"\n' });
    expect(pipeline.calls).toHaveLength(0);
  });

  it("an unwritable -o is exit 3", async () => {
    const cwd = makeProject({ "services.toml": CONFIG, "taken/file": "" });
    const result = await run(cwd, ["graph", "-o", "taken/file/deps.mmd"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^svcgen: cannot write taken\/file\/deps\.mmd: /);
    expect(existsSync(path.join(cwd, "taken/file/deps.mmd"))).toBe(false);
  });
});
