// `svcgen model`: the resolved model as JSON, for debugging config and spec resolution.
import type { Command } from "../command.js";
import { EXIT_BAD_INPUT, EXIT_OK } from "../command.js";
import { loadRealGenerate } from "../io.js";
import { reportDiagnostics } from "./diagnostics.js";

export const modelCommand: Command = {
  name: "model",
  summary: "print the resolved model as JSON (for debugging)",
  usage: `Usage: svcgen model [--config <file>]

Prints the model every emitter reads (services, operations, resolved policies, source locations) as JSON.

Options:
  --config <file>  config to read (default: services.toml)
  -h, --help       show this help
`,
  options: {
    config: { type: "string", default: "services.toml" },
    help: { type: "boolean", short: "h", default: false },
  },
  async run(values, io, options) {
    const configPath = String(values.config);
    const generate = options.generate ?? loadRealGenerate;
    const result = await generate({ configPath, cwd: io.cwd, emit: false });
    if (reportDiagnostics(result.diagnostics, io)) return EXIT_BAD_INPUT;
    if (result.model === undefined) throw new Error("the pipeline returned no model and no error");
    // Bytes in the model (OpenApiModel.typesBody: types.ts's text, UTF-8) are printed as the text they hold.
    const text = (_key: string, value: unknown) => (value instanceof Uint8Array ? new TextDecoder().decode(value) : value);
    io.stdout.write(`${JSON.stringify(result.model, text, 2)}\n`);
    return EXIT_OK;
  },
};
