// Every subcommand, in the order `svcgen --help` lists them. A new command is one module plus one line here.
import type { Command } from "../command.js";
import { genCommand } from "./gen.js";
import { graphCommand } from "./graph.js";
import { initCommand } from "./init.js";
import { lintCommand } from "./lint.js";
import { modelCommand } from "./model.js";

export const commands: readonly Command[] = [initCommand, genCommand, lintCommand, modelCommand, graphCommand];

export function findCommand(name: string): Command | undefined {
  return commands.find((command) => command.name === name);
}
