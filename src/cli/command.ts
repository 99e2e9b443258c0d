// The shape of one subcommand; each lives in commands/<name>.ts and is listed in commands/index.ts.
import type { ParseArgsConfig } from "node:util";
import type { CliIo, MainOptions } from "./io.js";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Command {
  name: string;
  /** One line for `svcgen --help`. */
  summary: string;
  /** Full text for `svcgen help <name>`, ending with a newline. */
  usage: string;
  options: OptionSpec;
  run(values: OptionValues, io: CliIo, options: MainOptions): Promise<number>;
}

/** Thrown for bad command lines; main prints it with a pointer to the help and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly helpTopic?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

export const EXIT_OK = 0;
export const EXIT_STALE = 1;
export const EXIT_BAD_INPUT = 2;
/** Not bad input: an I/O failure (unwritable folder) or a bug in svcgen. */
export const EXIT_FAILURE = 3;
