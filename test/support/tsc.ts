// Type-checks generated trees with the pinned TypeScript 5.9.3 under the strictest settings users commonly enable.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { REPO } from "./repo.js";

export const STRICT_OPTIONS = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  lib: ["ES2023"],
  types: ["node"],
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  noImplicitOverride: true,
  noEmit: true,
  skipLibCheck: true,
};

/** Writes `<dir>/tsconfig.json` covering `include` and runs tsc; returns its exit code and output. */
export function typeCheck(dir: string, include: string[] = ["**/*.ts"], flags: string[] = []): { code: number; output: string } {
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { ...STRICT_OPTIONS, typeRoots: [path.join(REPO, "node_modules/@types")] }, include }, null, 2),
  );
  const r = spawnSync(process.execPath, [path.join(REPO, "node_modules/typescript/bin/tsc"), "-p", dir, ...flags], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

/**
 * One tsc run over `include` (the clients, a usage file and a file of planted mistakes, each a module): the errors
 * in `planted` apart from every other error line (which a clean usage must not have). Saves a tsc run per test file.
 */
export function typeCheckPlanted(dir: string, include: string[], planted = "planted.ts"): { others: string[]; planted: string[] } {
  const { output } = typeCheck(dir, include);
  const lines = output.split("\n").filter((l) => l.trim() !== "" && !/^\s/.test(l));
  const inPlanted = (l: string): boolean => l.startsWith(`${planted}(`) || l.includes(`/${planted}(`);
  return { others: lines.filter((l) => !inPlanted(l)), planted: lines.filter((l) => inPlanted(l) && l.includes(": error TS")) };
}
