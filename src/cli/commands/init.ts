// `svcgen init`: write a commented services.toml to start from, fresh or made from an acton-service config.toml.
// Never overwrites: an existing file is refused before anything is read, and the write itself fails if one appeared.
import { lstatSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isDnsLabel } from "../../config/formats.js";
import { parseConfig } from "../../config/index.js";
import type { Command } from "../command.js";
import { EXIT_BAD_INPUT, EXIT_OK } from "../command.js";
import { toPosix } from "../format.js";
import type { CliIo } from "../io.js";
import { convertActonConfig } from "../init/acton.js";
import { PLACEHOLDER_NAME, freshConfig } from "../init/template.js";
import { reportDiagnostics } from "./diagnostics.js";

export const initCommand: Command = {
  name: "init",
  summary: "write a commented services.toml to start from (or one made from an acton-service config.toml)",
  usage: `Usage: svcgen init [--from <config.toml>] [--config <file>]

Writes a commented services.toml that \`svcgen gen\` accepts as it is: the calling service, acton-service's
[resilience] values, the default timeouts, and sample services to uncomment. With --from, the file is made from an
acton-service config.toml instead: its [service], [external_services] and [resilience] are kept as written, with
their comments; every other table (database, redis, jwt, ...) is left out, and so is any key in the kept tables
that svcgen does not read (each reported as a warning). An existing file is never overwritten.

Options:
  --from <file>    acton-service config.toml to take the services from
  --config <file>  file to write (default: services.toml)
  -h, --help       show this help

Exit codes: 0 written, 2 the file exists, bad TOML in --from, or bad usage, 3 I/O failure.
`,
  options: {
    from: { type: "string" },
    config: { type: "string", default: "services.toml" },
    help: { type: "boolean", short: "h", default: false },
  },
  async run(values, io) {
    const target = path.resolve(io.cwd, String(values.config));
    const shown = shownPath(io.cwd, target);
    const refuse = (): number => {
      io.stderr.write(`svcgen: ${shown} already exists; init never overwrites a file (remove it, or pick another with --config)\n`);
      return EXIT_BAD_INPUT;
    };
    if (exists(target)) return refuse();
    const schemaRoot = projectFrom(path.dirname(target), io.cwd);

    let text: string;
    let report: string[];
    if (values.from === undefined) {
      text = freshConfig(callerName(path.dirname(target)), schemaRoot);
      report = [`svcgen: wrote ${shown}; add the services you call under [external_services]`];
    } else {
      const from = path.resolve(io.cwd, String(values.from));
      const fromShown = shownPath(io.cwd, from);
      let source: string;
      try {
        source = readFileSync(from, "utf8");
      } catch (error) {
        if ((error as { code?: unknown }).code !== "ENOENT") throw error;
        io.stderr.write(`svcgen: --from: file not found: ${fromShown}\n`);
        return EXIT_BAD_INPUT;
      }
      const converted = convertActonConfig(source, fromShown, schemaRoot);
      if (!converted.ok) {
        reportDiagnostics(converted.diagnostics, io);
        return EXIT_BAD_INPUT;
      }
      reportDiagnostics(converted.dropped, io);
      text = converted.text;
      const kept = [
        ...(converted.caller === undefined ? [] : [`[service] ${converted.caller}`]),
        ...(converted.resilience ? ["[resilience]"] : []),
        `[external_services] ${converted.services.length === 0 ? "(none)" : converted.services.join(", ")}`,
      ];
      report = [
        `svcgen: wrote ${shown} from ${fromShown}`,
        `  kept: ${kept.join("; ")}`,
        ...(converted.leftOut.length === 0 ? [] : [`  left out: ${converted.leftOut.join(", ")}`]),
      ];
    }

    mkdirSync(path.dirname(target), { recursive: true });
    try {
      // "wx": fails if the file appeared since the check above, so a concurrent file is never replaced.
      writeFileSync(target, text, { flag: "wx" });
    } catch (error) {
      if ((error as { code?: unknown }).code === "EEXIST") return refuse();
      throw error;
    }
    for (const line of report) io.stdout.write(`${line}\n`);
    // Values are kept as written; what `gen` would reject in them is said now, at the new file's positions.
    const check = parseConfig(text, shown);
    if (reportDiagnostics(check.diagnostics, io)) {
      io.stderr.write(`svcgen: fix the errors above in ${shown} before running gen\n`);
    }
    io.stdout.write(`next: npx svcgen gen --config ${shellWord(shown)}\n`);
    return EXIT_OK;
  },
};

/** lstat: a folder or a link (dangling or not) at the path counts too. */
function exists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === "ENOENT") return false;
    throw error;
  }
}

/** The folder's package.json name when it can name a Kubernetes workload, else a placeholder. */
function callerName(dir: string): string {
  try {
    const name = (JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: unknown }).name;
    if (typeof name === "string" && isDnsLabel(name)) return name;
  } catch {
    // No package.json, or not JSON: the placeholder says what to fill in.
  }
  return PLACEHOLDER_NAME;
}

/** The project folder (the current directory, where node_modules is) as the written file's `#:schema` line reaches it. */
function projectFrom(dir: string, cwd: string): string {
  const relative = toPosix(path.relative(dir, cwd));
  if (relative === "") return ".";
  return relative.startsWith("..") || path.isAbsolute(relative) ? relative : `./${relative}`;
}

/** Relative to the current directory, as gen names files (no absolute path lands in the written file). */
function shownPath(cwd: string, file: string): string {
  return toPosix(path.relative(cwd, file));
}

/** Quoted for a POSIX shell when it has to be. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./@%+=:,-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
