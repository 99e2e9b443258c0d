// Runs the real pipeline for a test case and writes its output where tests can import and type-check it.
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { generate, type GenerateResult } from "../../src/generate.js";

export async function generateInto(caseDir: string, outDir: string, configPath = "services.toml"): Promise<GenerateResult> {
  const result = await generate({ configPath, cwd: caseDir });
  await rm(outDir, { recursive: true, force: true });
  for (const f of result.files) {
    const abs = path.join(outDir, f.path);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, f.content);
  }
  return result;
}
