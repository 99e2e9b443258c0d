// The generated output compiles for projects that stay on ES2020 (target and lib): the README promises it, so
// users need not raise their tsconfig for svcgen. (The strict ES2022 check is test/generated.test.ts's.)
import { cpSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect, it } from "vitest";
import { REPO, TMP } from "./support/repo.js";
import { STRICT_OPTIONS } from "./support/tsc.js";

it("generated/ type-checks with target and lib ES2020 under strict settings", () => {
  const dir = path.join(TMP, "generated-es2020");
  rmSync(dir, { recursive: true, force: true });
  cpSync(path.join(REPO, "generated"), path.join(dir, "generated"), { recursive: true });
  const compilerOptions = { ...STRICT_OPTIONS, target: "ES2020", lib: ["ES2020"], typeRoots: [path.join(REPO, "node_modules/@types")] };
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["generated/**/*.ts"] }, null, 2));
  const r = spawnSync(process.execPath, [path.join(REPO, "node_modules/typescript/bin/tsc"), "-p", dir], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  expect(`${r.stdout}${r.stderr}`).toBe("");
  expect(r.status).toBe(0);
}, 120_000);
