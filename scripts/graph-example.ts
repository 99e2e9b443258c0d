// The README's dependency picture of the example project: `npm run graph:example` writes docs/example-graph.svg and
// docs/example-graph.mmd (the Mermaid text the README shows) from examples/services.toml, exactly as
// `svcgen graph --config examples/services.toml --format svg|mermaid` would. test/graph/example.test.ts renders them
// again in memory and fails when the committed files are stale.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { generate } from "../src/generate.js";
import { formatDiagnostic } from "../src/cli/format.js";
import { renderGraph } from "../src/graph/index.js";
import type { Model } from "../src/model/types.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const EXAMPLE_CONFIG = "examples/services.toml";
export const EXAMPLE_GRAPHS = { svg: "docs/example-graph.svg", mermaid: "docs/example-graph.mmd" } as const;

/** The example's resolved model, through the pipeline `svcgen graph` runs; throws on any config or spec error. */
export async function exampleModel(): Promise<Model> {
  const result = await generate({ configPath: EXAMPLE_CONFIG, cwd: REPO });
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (result.model === undefined || errors.length > 0) {
    throw new Error(`${EXAMPLE_CONFIG} does not generate:\n${errors.map(formatDiagnostic).join("\n")}`);
  }
  return result.model;
}

/** Both pictures, by repository-relative path. */
export async function renderExampleGraphs(model?: Model): Promise<Record<string, string>> {
  const resolved = model ?? (await exampleModel());
  return {
    [EXAMPLE_GRAPHS.svg]: await renderGraph(resolved, "svg"),
    [EXAMPLE_GRAPHS.mermaid]: await renderGraph(resolved, "mermaid"),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  for (const [file, content] of Object.entries(await renderExampleGraphs())) {
    mkdirSync(path.dirname(path.join(REPO, file)), { recursive: true });
    writeFileSync(path.join(REPO, file), content);
    process.stdout.write(`wrote ${file}\n`);
  }
}
