// Command-line surface: commands, help, version, usage errors (exit 2) with suggestions.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FakePipeline, makeProject, run } from "./helpers.js";
import { closest } from "../../src/cli/suggest.js";

const version = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

describe("main", () => {
  it("prints the package version", async () => {
    const result = await run(makeProject(), ["--version"]);
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("prints help on --help, help, and help <command>", async () => {
    const cwd = makeProject();
    const top = await run(cwd, ["--help"]);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^Usage: svcgen <command>/);
    expect(top.stdout).toContain("  gen ");
    expect(top.stdout).toContain("  model ");
    expect((await run(cwd, ["help"])).stdout).toBe(top.stdout);
    const gen = await run(cwd, ["help", "gen"]);
    expect(gen.code).toBe(0);
    expect(gen.stdout).toContain("--check");
    expect((await run(cwd, ["gen", "--help"])).stdout).toBe(gen.stdout);
  });

  it("with no arguments prints usage to stderr and exits 2", async () => {
    const result = await run(makeProject(), []);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^Usage: svcgen/);
  });

  const usageErrors: Array<[string, { argv: string[]; want: string }]> = [
    ["mistyped command", { argv: ["gne"], want: "svcgen: unknown command 'gne' (did you mean 'gen'?)\nRun 'svcgen --help' for usage.\n" }],
    ["longer command name", { argv: ["generate"], want: "svcgen: unknown command 'generate' (did you mean 'gen'?)\n" }],
    ["unrelated command", { argv: ["deploy"], want: "svcgen: unknown command 'deploy'\n" }],
    ["mistyped flag", { argv: ["gen", "--chek"], want: "svcgen: unknown option '--chek' (did you mean '--check'?)\nRun 'svcgen help gen' for usage.\n" }],
    ["swapped letters", { argv: ["gen", "--cofnig", "x.toml"], want: "svcgen: unknown option '--cofnig' (did you mean '--config'?)\n" }],
    ["flag before command", { argv: ["--check"], want: "svcgen: unknown option '--check' (options go after the command: svcgen gen --check)\n" }],
    ["missing value", { argv: ["gen", "--config"], want: "svcgen: option '--config <value>' argument missing\n" }],
    ["stray argument", { argv: ["gen", "extra"], want: "svcgen: unexpected argument 'extra'\n" }],
    ["flag of another command", { argv: ["model", "--check"], want: "svcgen: unknown option '--check'" }],
    ["help for unknown command", { argv: ["help", "modle"], want: "svcgen: unknown command 'modle' (did you mean 'model'?)\n" }],
  ];
  it.each(usageErrors)("%s → exit 2", async (_name, { argv, want }) => {
    const pipeline = new FakePipeline();
    const result = await run(makeProject(), argv, { generate: pipeline.generate });
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(want)).toBe(true);
    expect(pipeline.calls).toHaveLength(0);
  });

  it("model prints the pipeline's model as JSON", async () => {
    const pipeline = new FakePipeline();
    pipeline.model = { modelVersion: 2, configFile: "conf/services.toml", services: [] };
    const result = await run(makeProject(), ["model", "--config", "conf/services.toml"], { generate: pipeline.generate });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(pipeline.model);
    expect(pipeline.calls[0]?.configPath).toBe("conf/services.toml");
  });

  it("model exits 2 and prints no JSON on an error diagnostic", async () => {
    const pipeline = new FakePipeline();
    pipeline.model = { modelVersion: 2, configFile: "services.toml", services: [] };
    pipeline.diagnostics = [
      { severity: "error", code: "config/x", message: "bad", location: { file: "services.toml", line: 2, column: 1 } },
    ];
    const result = await run(makeProject(), ["model"], { generate: pipeline.generate });
    expect(result).toEqual({ code: 2, stdout: "", stderr: "services.toml:2:1: error: bad\n" });
  });

  it("reports a crash in the pipeline as an internal error, exit 3", async () => {
    const result = await run(makeProject(), ["gen"], {
      generate: async () => {
        throw new Error("boom");
      },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^svcgen: internal error: Error: boom/);
  });
});

describe("closest", () => {
  const cases: Array<[string, string[], string | undefined]> = [
    ["gne", ["gen", "model"], "gen"],
    ["mdoel", ["gen", "model"], "model"],
    ["xyz", ["gen", "model"], undefined],
    ["--quit", ["--quiet", "--out"], "--quiet"],
    ["--ot", ["--quiet", "--out"], "--out"],
  ];
  it.each(cases)("%s → %s", (input, candidates, want) => {
    expect(closest(input, candidates)).toBe(want);
  });
});
