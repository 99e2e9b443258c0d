// Untrusted text on the picture: the caller's name (any string; only a warning), the URL as written and a header name
// reach the labels. Each output must keep them as text: the syntax stays intact, nothing is injected, and what a reader
// sees is the text itself (control characters as escapes).
import { describe, expect, it } from "vitest";
import { emitDot } from "../../src/graph/dot.js";
import { emitMermaid } from "../../src/graph/mermaid.js";
import { graphOf } from "../../src/graph/model.js";
import { renderSvg } from "../../src/graph/svg.js";
import { visible } from "../../src/graph/text.js";
import { modelFrom, svgTexts } from "./fixtures.js";

const NAME = 'a"]) --> evil;\n%% <b>&amp;</b> #quot; `|x| \\N style:#x; ü 𝄞\u2028[end]{x}';
const URL = 'http://users-api:8080/p"<a>&b';
const HEADER = "x-a&b#c|d`";
const model = modelFrom(`[service]
name = ${JSON.stringify(NAME)}

[external_services.users_service]
url = ${JSON.stringify(URL)}
load_balancer = "consistent_hash"
hash_header = ${JSON.stringify(HEADER)}
`);
const graph = graphOf(model);

/** What each node and edge should read, line by line: the text itself, control characters shown as escapes. */
const wantNodes = graph.nodes.map((n) => [n.title, ...n.details].map(visible));
const wantEdges = graph.edges.map((e) => e.lines.map(visible));

describe("hostile names", () => {
  it("reach the graph data unchanged", () => {
    expect(graph.nodes.map((n) => n.title)).toEqual([NAME, "users_service"]);
    expect(graph.nodes[1]!.details).toEqual([URL]);
    expect(graph.edges[0]!.lines).toContain(`balancer: consistent_hash on ${HEADER}`);
  });

  it("Mermaid: every statement keeps its shape and every label decodes back to the text", () => {
    const text = emitMermaid(graph);
    // A label: safe characters, Mermaid entity codes, and the line breaks this emitter writes. No raw quote, `<`, `&`,
    // `#`, `|`, `%`, backtick or newline can appear, and the words Mermaid pre-processes are never spelled out.
    const label = String.raw`"((?:[A-Za-z0-9 .,:/_\-+=@()'~!?*$]|#\d+;|<br/>)*)"`;
    const statements = [
      new RegExp(String.raw`^  (caller)\(\[${label}\]\)$`),
      new RegExp(String.raw`^  (svc\w+)\[${label}\]$`),
      new RegExp(String.raw`^  (caller) -->\|${label}\| (svc\w+)$`),
    ];
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("flowchart LR");
    const decode = (body: string): string[] =>
      body.split("<br/>").map((line) => line.replace(/#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code))));
    const nodes: string[][] = [];
    const edges: string[][] = [];
    for (const line of lines.slice(1)) {
      const match = statements.map((re) => re.exec(line)).find((m) => m !== null);
      expect(match, line).toBeTruthy();
      (line.includes("-->|") ? edges : nodes).push(decode(match![2]!));
      expect(match![2]).not.toMatch(/style|classDef/);
    }
    expect(nodes).toEqual(wantNodes);
    expect(edges).toEqual(wantEdges);
  });

  it("DOT: renders, with exactly the nodes and edges of the graph, each reading the text itself", async () => {
    const dot = emitDot(graph);
    // Every label is one quoted DOT string on its own statement line.
    for (const line of dot.trimEnd().split("\n").slice(4, -1)) {
      expect(line).toMatch(/^ {2}"\w+"( -> "\w+")? \[label="(?:[^"\\\n]|\\.)*"(, style="rounded,bold")?\];$/);
    }
    const svg = await renderSvg(dot);
    expect(svg).not.toContain("<b>");
    const groups = [...svg.matchAll(/<g id="(node|edge)\d+" class="\w+">([\s\S]*?)<\/g>/g)];
    expect(groups.filter((g) => g[1] === "node").map((g) => svgTexts(g[2]!))).toEqual(wantNodes);
    expect(groups.filter((g) => g[1] === "edge").map((g) => svgTexts(g[2]!))).toEqual(wantEdges);
  });

  it("SVG: the same bytes on every render", async () => {
    const dot = emitDot(graph);
    expect(await renderSvg(dot)).toBe(await renderSvg(dot));
  });

  it("SVG: a DOT text Graphviz rejects is an error naming why", async () => {
    await expect(renderSvg("digraph { a -> }")).rejects.toThrow(/^Graphviz could not render the graph: syntax error/);
  });
});
