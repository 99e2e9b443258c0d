// DependencyGraph → Graphviz DOT (for `dot -Tsvg`, and for svg.ts).
// Every id and label is a double-quoted DOT string: `\` and `"` are backslash-escaped (so `\N`, `\G` and friends stay
// literal), and `&` becomes `&amp;` because Graphviz decodes HTML entities in ordinary labels too. Line ends (`\n`,
// `\l`) are written only by this emitter.
import type { DependencyGraph, GraphNode } from "./model.js";
import { visible } from "./text.js";

export function dotText(text: string): string {
  return visible(text).replace(/[\\"&]/g, (c) => (c === "&" ? "&amp;" : `\\${c}`));
}

/** `\n` ends a centred line (nodes), `\l` a left-justified one (edge labels, read as a list). */
function label(lines: readonly string[], end: "\\n" | "\\l"): string {
  return `"${lines.map((line) => `${dotText(line)}${end}`).join("")}"`;
}

function node(n: GraphNode): string {
  const style = n.role === "caller" ? `, style="rounded,bold"` : "";
  return `"${n.id}" [label=${label([n.title, ...n.details], "\\n")}${style}];`;
}

export function emitDot(graph: DependencyGraph): string {
  const lines = [
    "digraph dependencies {",
    "  rankdir=LR;",
    `  node [shape=box, fontname="Helvetica", fontsize=12];`,
    `  edge [fontname="Helvetica", fontsize=10];`,
  ];
  for (const n of graph.nodes) lines.push(`  ${node(n)}`);
  for (const e of graph.edges) lines.push(`  "${e.from}" -> "${e.to}" [label=${label(e.lines, "\\l")}];`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
