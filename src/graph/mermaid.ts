// DependencyGraph → a Mermaid flowchart (renders in GitHub Markdown inside a ```mermaid block).
// Labels are double-quoted, and every character outside a small safe set is written as Mermaid's numeric entity code
// (`#34;` for `"`, `#60;` for `<`): a name cannot close the quote, open HTML, start a comment or an entity, or touch
// Mermaid's own entity placeholders. Lines are joined with `<br/>`, which only this emitter writes.
import type { DependencyGraph, GraphNode } from "./model.js";
import { visible } from "./text.js";

const SAFE = /^[A-Za-z0-9 .,:/_\-+=@()'~!?*$]$/u;

export function mermaidText(text: string): string {
  let out = "";
  for (const c of visible(text)) out += SAFE.test(c) ? c : `#${c.codePointAt(0)};`;
  // Before parsing, Mermaid drops the last `;` of any line matching /style.*:\S*#.*;/ or /classDef.*:\S*#.*;/
  // (its encodeEntities), which would turn an entity back into text: those words never appear spelled out.
  return out.replace(/style|classDef/g, (word) => `#${word.charCodeAt(0)};${word.slice(1)}`);
}

function label(lines: readonly string[]): string {
  return `"${lines.map(mermaidText).join("<br/>")}"`;
}

function node(n: GraphNode): string {
  const text = label([n.title, ...n.details]);
  // The caller is a stadium, the services are boxes.
  return n.role === "caller" ? `${n.id}([${text}])` : `${n.id}[${text}]`;
}

export function emitMermaid(graph: DependencyGraph): string {
  const lines = ["flowchart LR"];
  for (const n of graph.nodes) lines.push(`  ${node(n)}`);
  for (const e of graph.edges) lines.push(`  ${e.from} -->|${label(e.lines)}| ${e.to}`);
  return `${lines.join("\n")}\n`;
}
