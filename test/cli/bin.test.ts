// The two real entry points, as separate processes: bin/svcgen.js (published) and src/cli/main.ts run directly (tsx).
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { makeProject, writeFile } from "./helpers.js";

const exec = promisify(execFile);
const repo = fileURLToPath(new URL("../../", import.meta.url));

async function node(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, args, { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A copy of bin/svcgen.js in a package whose dist/ may or may not exist. */
function packageWithBin(dist: string | undefined): string {
  const root = makeProject({ "package.json": '{ "type": "module" }\n' });
  mkdirSync(path.join(root, "bin"));
  copyFileSync(path.join(repo, "bin/svcgen.js"), path.join(root, "bin/svcgen.js"));
  if (dist !== undefined) writeFile(root, "dist/cli/main.js", dist);
  return root;
}

describe("bin/svcgen.js", () => {
  it("runs dist/cli/main.js with argv, cwd and env, and exits with its code", async () => {
    const root = packageWithBin(
      "export async function main(argv, io) {\n" +
        "  io.stdout.write(JSON.stringify({ argv, cwd: io.cwd, hasEnv: typeof io.env.PATH === 'string' }) + '\\n');\n" +
        "  io.stderr.write('to stderr\\n');\n" +
        "  return 7;\n" +
        "}\n",
    );
    const result = await node([path.join(root, "bin/svcgen.js"), "gen", "--check"], root);
    expect(result.code).toBe(7);
    expect(JSON.parse(result.stdout)).toEqual({ argv: ["gen", "--check"], cwd: root, hasEnv: true });
    expect(result.stderr).toBe("to stderr\n");
  });

  it("says how to build when dist/ is missing", async () => {
    const root = packageWithBin(undefined);
    const result = await node([path.join(root, "bin/svcgen.js"), "gen"], root);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("npm run build");
  });

  it("is executable with a node shebang", () => {
    expect(readFileSync(path.join(repo, "bin/svcgen.js"), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });
});

describe("src/cli/main.ts run directly", () => {
  it("runs main for its own argv and sets the exit code", async () => {
    const cwd = repo; // `--import tsx` resolves tsx from cwd.
    const version = await node(["--import", "tsx", path.join(repo, "src/cli/main.ts"), "--version"], cwd);
    const pkg = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { version: string };
    expect(version).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
    const usage = await node(["--import", "tsx", path.join(repo, "src/cli/main.ts"), "gne"], cwd);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("did you mean 'gen'?");
  });
});
