// `svcgen graph`'s formats: model → graph data → Mermaid or DOT text, and DOT → SVG. No disk here.
import type { Model } from "../model/types.js";
import { emitDot } from "./dot.js";
import { emitMermaid } from "./mermaid.js";
import { graphOf } from "./model.js";

export const GRAPH_FORMATS = ["mermaid", "dot", "svg"] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export function isGraphFormat(value: string): value is GraphFormat {
  return (GRAPH_FORMATS as readonly string[]).includes(value);
}

export async function renderGraph(model: Model, format: GraphFormat): Promise<string> {
  const graph = graphOf(model);
  if (format === "mermaid") return emitMermaid(graph);
  const dot = emitDot(graph);
  if (format === "dot") return dot;
  const { renderSvg } = await import("./svg.js");
  return renderSvg(dot);
}
