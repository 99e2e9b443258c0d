// svcgen's command line: argv → one command → exit code. The only place (with its commands) that touches
// process, stdout and the disk. `bin/svcgen.js` calls main(); running this file directly (tsx) does too.
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseCommandArgs } from "./args.js";
import { EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, UsageError } from "./command.js";
import type { Command } from "./command.js";
import { commands, findCommand } from "./commands/index.js";
import { describeFailure } from "./format.js";
import type { CliIo, MainOptions } from "./io.js";
import { packageVersion } from "./package-info.js";
import { didYouMean } from "./suggest.js";

export type { CliIo, GenerateFn, MainOptions, TextOut } from "./io.js";

export async function main(argv: readonly string[], io: CliIo, options: MainOptions = {}): Promise<number> {
  try {
    return await dispatch([...argv], io, options);
  } catch (error) {
    if (error instanceof UsageError) {
      const help = error.helpTopic === undefined ? "svcgen --help" : `svcgen help ${error.helpTopic}`;
      io.stderr.write(`svcgen: ${error.message}\nRun '${help}' for usage.\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr.write(`svcgen: ${describeFailure(error)}\n`);
    return EXIT_FAILURE;
  }
}

async function dispatch(argv: string[], io: CliIo, options: MainOptions): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(topUsage());
    return EXIT_BAD_INPUT;
  }
  if (first === "--help" || first === "-h") return printHelp(io, rest[0]);
  if (first === "help") return printHelp(io, rest[0]);
  if (first === "--version" || first === "-v") {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  if (first.startsWith("-")) throw new UsageError(`unknown option '${first}'${optionHint(first)}`);

  const command = findCommand(first);
  if (command === undefined) {
    const names = commands.map((candidate) => candidate.name);
    throw new UsageError(`unknown command '${first}'${didYouMean(first, [...names, "help"])}`);
  }
  const values = parseCommandArgs(rest, command.options, command.name);
  if (values.help === true) {
    io.stdout.write(command.usage);
    return EXIT_OK;
  }
  return command.run(values, io, options);
}

function printHelp(io: CliIo, topic: string | undefined): number {
  if (topic === undefined) {
    io.stdout.write(topUsage());
    return EXIT_OK;
  }
  const command = findCommand(topic);
  if (command === undefined) {
    const names = commands.map((candidate) => candidate.name);
    throw new UsageError(`unknown command '${topic}'${didYouMean(topic, names)}`);
  }
  io.stdout.write(command.usage);
  return EXIT_OK;
}

function topUsage(): string {
  const width = Math.max(...commands.map((command) => command.name.length), "help".length) + 2;
  const rows = [...commands, { name: "help", summary: "show help for a command" } as Pick<Command, "name" | "summary">]
    .map((command) => `  ${command.name.padEnd(width)}${command.summary}`)
    .join("\n");
  return `Usage: svcgen <command> [options]

Commands:
${rows}

Options:
  -h, --help     show this help
  -v, --version  print svcgen's version

Run 'svcgen help <command>' for a command's options.
`;
}

/** `svcgen --check` most likely means `svcgen gen --check`: say so instead of a bare "unknown option". */
function optionHint(option: string): string {
  const name = option.replace(/^-+/, "").split("=")[0] ?? "";
  const owner = commands.find((command) => Object.hasOwn(command.options, name) && name !== "help");
  if (owner !== undefined) return ` (options go after the command: svcgen ${owner.name} ${option})`;
  return didYouMean(option, ["--help", "--version"]);
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const code = await main(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
  // exitCode rather than exit(): lets piped stdout drain.
  process.exitCode = code;
}
