// DOT → SVG with Graphviz compiled to WebAssembly (@viz-js/viz): pure JS, no `dot` binary, and the same bytes on
// every run for a given DOT text. Loaded on first use only: the other formats and commands never pay for the wasm.
import type { Viz } from "@viz-js/viz";

let viz: Promise<Viz> | undefined;

export async function renderSvg(dot: string): Promise<string> {
  viz ??= import("@viz-js/viz").then((module) => module.instance());
  const result = (await viz).render(dot, { format: "svg" });
  if (result.status !== "success") {
    const why = result.errors.map((e) => e.message).join("; ");
    throw new Error(`Graphviz could not render the graph: ${why}`);
  }
  return result.output;
}
