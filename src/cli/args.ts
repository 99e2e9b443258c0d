// Flag parsing on top of node:util parseArgs, with our own messages for unknown flags.
import { parseArgs } from "node:util";
import type { OptionSpec, OptionValues } from "./command.js";
import { UsageError } from "./command.js";
import { didYouMean } from "./suggest.js";

export function parseCommandArgs(args: string[], options: OptionSpec, helpTopic: string): OptionValues {
  // First pass, lenient: name unknown flags and stray arguments ourselves (parseArgs' messages offer no suggestion).
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  const known = Object.keys(options).map((name) => `--${name}`);
  for (const token of tokens) {
    if (token.kind === "option" && !Object.hasOwn(options, token.name)) {
      throw new UsageError(`unknown option '${token.rawName}'${didYouMean(token.rawName, known)}`, helpTopic);
    }
    if (token.kind === "positional") throw new UsageError(`unexpected argument '${token.value}'`, helpTopic);
  }
  // Second pass, strict: type errors such as a missing value (`--config` at the end).
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      throw new UsageError(lowerFirst((error as Error).message), helpTopic);
    }
    throw error;
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
