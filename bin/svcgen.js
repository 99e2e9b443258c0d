#!/usr/bin/env node
// The published entry point: runs the compiled CLI in dist/ (built by `npm run build`, run on prepack).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/cli/main.js", import.meta.url);

if (!existsSync(entry)) {
  process.stderr.write(
    `svcgen: ${fileURLToPath(entry)} is missing: this looks like a source checkout that was not built.\n` +
      "Run `npm run build` first, or run the sources directly with `npx tsx src/cli/main.ts <command>`.\n",
  );
  process.exitCode = 3;
} else {
  const { main } = await import(entry.href);
  process.exitCode = await main(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
}
