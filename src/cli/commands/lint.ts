// `svcgen lint`: the retry/timeout/naming findings `gen` prints as warnings, on their own and without writing.
import { LINT_CODES } from "../../lint/index.js";
import type { Command } from "../command.js";
import { EXIT_BAD_INPUT, EXIT_OK } from "../command.js";
import { loadRealGenerate } from "../io.js";
import { reportDiagnostics, strictly } from "./diagnostics.js";

const CODE_LIST = Object.entries(LINT_CODES)
  .map(([code, text]) => `  ${code}  ${text}`)
  .join("\n");

export const lintCommand: Command = {
  name: "lint",
  summary: "check retry, timeout and naming policy across clients and mesh (writes nothing)",
  usage: `Usage: svcgen lint [--config <file>] [--strict]

Resolves the config, specs and mesh settings exactly as \`gen\` does and prints every finding as
file:line:col: warning: message [CODE]. Nothing is written.

Options:
  --config <file>  config to read (default: services.toml)
  --strict         findings are errors: exit 2 when there is any
  -h, --help       show this help

Codes:
${CODE_LIST}

Exit codes: 0 no errors (warnings allowed unless --strict), 2 bad input or findings under --strict.
`,
  options: {
    config: { type: "string", default: "services.toml" },
    strict: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  async run(values, io, options) {
    const generate = options.generate ?? loadRealGenerate;
    const result = await generate({ configPath: String(values.config), cwd: io.cwd });
    const diagnostics = strictly(result.diagnostics, values.strict === true);
    if (reportDiagnostics(diagnostics, io)) return EXIT_BAD_INPUT;
    const count = diagnostics.length;
    io.stdout.write(`svcgen: ${count === 0 ? "no findings" : `${count} ${count === 1 ? "warning" : "warnings"}`}\n`);
    return EXIT_OK;
  },
};
