// `svcgen graph`: who the caller calls, drawn from the resolved model (the same pipeline `gen` and `model` run), as
// Mermaid, DOT or SVG, to stdout or to one file.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Command } from "../command.js";
import { EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK } from "../command.js";
import { toPosix } from "../format.js";
import { loadRealGenerate } from "../io.js";
import { reportDiagnostics } from "./diagnostics.js";
import { GRAPH_FORMATS, isGraphFormat, renderGraph } from "../../graph/index.js";

export const graphCommand: Command = {
  name: "graph",
  summary: "draw the caller and the services it calls (Mermaid, DOT or SVG)",
  usage: `Usage: svcgen graph [--config <file>] [--format mermaid|dot|svg] [-o <file>]

Draws the caller ([service] name) and every service it calls. Each edge says the protocols and ports, the timeout,
who retries (client or mesh) and how many attempts, the balancer, the circuit breaker, the discovery kind and the
mesh, all read from the resolved model the clients and manifests are generated from.

Options:
  --config <file>      config to read (default: services.toml)
  --format <f>         mermaid (default; for Markdown), dot (Graphviz) or svg (rendered in-process)
  -o, --output <file>  write the picture to this file instead of stdout
  -h, --help           show this help

Exit codes: 0 ok, 2 bad input or usage, 3 I/O failure or internal error.
`,
  options: {
    config: { type: "string", default: "services.toml" },
    format: { type: "string", default: "mermaid" },
    output: { type: "string", short: "o" },
    help: { type: "boolean", short: "h", default: false },
  },
  async run(values, io, options) {
    const format = String(values.format);
    if (!isGraphFormat(format)) {
      io.stderr.write(`svcgen: --format must be one of ${GRAPH_FORMATS.map((f) => `"${f}"`).join(", ")}, got "${format}"\n`);
      return EXIT_BAD_INPUT;
    }
    const generate = options.generate ?? loadRealGenerate;
    const result = await generate({ configPath: String(values.config), cwd: io.cwd, emit: false });
    if (reportDiagnostics(result.diagnostics, io)) return EXIT_BAD_INPUT;
    if (result.model === undefined) throw new Error("the pipeline returned no model and no error");
    const picture = await renderGraph(result.model, format);

    if (values.output === undefined) {
      io.stdout.write(picture);
      return EXIT_OK;
    }
    const file = path.resolve(io.cwd, String(values.output));
    const shown = toPosix(path.relative(io.cwd, file));
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, picture);
    } catch (error) {
      io.stderr.write(`svcgen: cannot write ${shown}: ${(error as Error).message}\n`);
      return EXIT_FAILURE;
    }
    io.stdout.write(`svcgen: ${format} graph written to ${shown}\n`);
    return EXIT_OK;
  },
};
