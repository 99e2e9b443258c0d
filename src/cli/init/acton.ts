// acton-service config.toml → services.toml text for `init --from`. Pure: the CLI reads and writes the files.
// Kept: [service], [external_services] and [resilience], statement by statement as written, with their comments;
// inside them, only keys svcgen reads (keep.ts). Everything else (database and redis URLs, jwt, middleware, ...) is
// left out, and so are comments that do not belong to a kept statement, since a commented-out secret is still one.
import { parse } from "smol-toml";
import { parseConfig } from "../../config/index.js";
import { locateKeys } from "../../config/locate.js";
import { suggest } from "../../config/suggest.js";
import type { Diagnostic } from "../../diagnostics.js";
import { type Dropped, KEPT_TABLES, type KeepNode, childNode, keepKnown, knownKeys } from "./keep.js";
import { isTable } from "../../config/values.js";
import { type Statement, splitStatements } from "./statements.js";
import { convertedFooter, convertedHeader } from "./template.js";
import { dottedLines, tomlKey } from "./toml-write.js";

export type Conversion =
  | {
      ok: true;
      /** The services.toml text. */
      text: string;
      /** Service keys kept, in the order written. */
      services: string[];
      /** Whether the source had a [service] / [resilience] table. */
      caller: string | undefined;
      resilience: boolean;
      /** Top-level tables and keys left out, in the order written (`[database]`, `title`). */
      leftOut: string[];
      /** Keys inside kept tables that svcgen does not read, one warning each at the source position. */
      dropped: Diagnostic[];
    }
  | { ok: false; diagnostics: Diagnostic[] };

/**
 * `sourceName` names the source in diagnostics and in the file's header comment; `schemaRoot` is the project folder
 * relative to the file written (see schemaLine).
 */
export function convertActonConfig(text: string, sourceName: string, schemaRoot = "."): Conversion {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  // parseConfig owns the "invalid TOML" message, so `init --from` and `gen` say the same about a syntax error.
  const checked = parseConfig(source, sourceName);
  if (checked.readable === undefined) return { ok: false, diagnostics: checked.diagnostics };
  const doc = parse(source, { integersAsBigInt: true });

  const walk = new Walk(source, sourceName, doc);
  const body = walk.run();
  const out = [...convertedHeader(sourceName, walk.leftOut, schemaRoot), "", ...body, "", ...convertedFooter()];
  const converted = `${out.join("\n")}\n`;
  const kept = parse(converted);
  const services = isTable(kept.external_services) ? Object.keys(kept.external_services) : [];
  const caller = isTable(kept.service) && typeof kept.service.name === "string" ? kept.service.name : undefined;
  return {
    ok: true,
    text: converted,
    services,
    caller,
    resilience: isTable(kept.resilience),
    leftOut: walk.leftOut,
    dropped: walk.dropped,
  };
}

/** Where the statements being read sit: the table of the last header, and whether it is kept. */
interface Context {
  /** undefined: the top level (before any header). */
  node: KeepNode | undefined;
  /** Key path as locateKeys addresses it (array-of-tables elements by index). */
  path: string[];
  kept: boolean;
}

class Walk {
  readonly leftOut: string[] = [];
  readonly dropped: Diagnostic[] = [];
  readonly #source: string;
  readonly #sourceName: string;
  readonly #doc: Record<string, unknown>;
  readonly #positions: ReturnType<typeof locateKeys>;
  /** Elements seen so far per array of tables, by path id. */
  readonly #arrays = new Map<string, number>();

  constructor(source: string, sourceName: string, doc: Record<string, unknown>) {
    this.#source = source;
    this.#sourceName = sourceName;
    this.#doc = doc;
    this.#positions = locateKeys(source);
  }

  run(): string[] {
    const { statements } = splitStatements(this.#source);
    const out: string[] = [];
    let context: Context = { node: undefined, path: [], kept: true };
    let previousKept = false;
    for (const statement of statements) {
      let lines: string[] | undefined;
      if (statement.kind === "key") {
        lines = context.kept ? this.#keyValue(statement, context) : undefined;
      } else {
        context = this.#header(statement);
        lines = context.kept ? statement.lines : undefined;
      }
      if (lines === undefined) {
        previousKept = false;
        continue;
      }
      // Between two kept statements of one table, every comment stays. Before a table (or after something left
      // out), only the comment block directly above the statement does: the rest described what was left out.
      const before = statement.kind === "key" && previousKept ? statement.before : attachedComments(statement.before);
      if (statement.kind !== "key") separate(out);
      out.push(...before.filter((line) => !/^\s*#:schema\b/.test(line)), ...lines);
      previousKept = true;
    }
    while (out.at(-1)?.trim() === "") out.pop();
    return out;
  }

  #header(statement: Statement): Context {
    const segments = headerPath(parse(statement.lines.join("\n")));
    const [top, ...rest] = segments;
    let node = top === undefined ? undefined : KEPT_TABLES.get(top);
    if (top === undefined || node === undefined) {
      if (top !== undefined) this.#leaveOut(top);
      return { node: undefined, path: segments, kept: false };
    }
    const path = [top];
    for (const segment of rest) {
      if (node.kind === "tables") path.push(String(this.#count(path) - 1));
      const next: KeepNode | undefined = childNode(node, segment);
      if (next === undefined) {
        this.#drop({ path: [...path, segment], reason: "unknown-key", candidates: knownKeys(node) }, statement);
        return { node: undefined, path, kept: false };
      }
      node = next;
      path.push(segment);
    }
    if (statement.kind === "array-header") {
      const index = this.#count(path);
      this.#arrays.set(JSON.stringify(path), index + 1);
      path.push(String(index));
      if (node.kind === "tables") node = node.entry;
    }
    return { node, path, kept: true };
  }

  /** The statement as written, rewritten without the keys svcgen does not read, or undefined when nothing is left. */
  #keyValue(statement: Statement, context: Context): string[] | undefined {
    const value = parse(statement.lines.join("\n"));
    const dropped: Dropped[] = [];
    let kept: Record<string, unknown>;
    if (context.node === undefined) {
      kept = {};
      for (const [key, child] of Object.entries(value)) {
        const node = KEPT_TABLES.get(key);
        if (node === undefined) this.#leaveOut(key);
        else kept[key] = keepKnown(child, node, [key], dropped);
      }
      // Top-level keys left out are listed, not warned about: they are other tables' business, like [database].
      if (Object.keys(kept).length === Object.keys(value).length && dropped.length === 0) return statement.lines;
    } else {
      kept = keepKnown(value, context.node, context.path, dropped) as Record<string, unknown>;
      if (dropped.length === 0) return statement.lines;
    }
    for (const drop of dropped) this.#drop(drop, statement);
    const lines = dottedLines([], kept);
    return lines.length === 0 ? undefined : lines;
  }

  #count(path: readonly string[]): number {
    return this.#arrays.get(JSON.stringify(path)) ?? 0;
  }

  #leaveOut(key: string): void {
    const name = isTable(this.#doc[key]) || isTableArray(this.#doc[key]) ? `[${tomlKey(key)}]` : tomlKey(key);
    if (!this.leftOut.includes(name)) this.leftOut.push(name);
  }

  #drop(drop: Dropped, statement: Statement): void {
    const key = drop.path.at(-1)!;
    const table = tableName(drop.path.slice(0, -1));
    const at = this.#positions.key(drop.path) ?? { line: statement.line, column: 1 };
    let message: string;
    if (drop.reason === "not-a-service") {
      message = `left out ${JSON.stringify(key)} in ${table}: a service is a URL string or a table`;
    } else {
      const hint = suggest(key, drop.candidates);
      message = `left out ${JSON.stringify(key)} in ${table}: svcgen does not read it${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ""}`;
    }
    this.dropped.push({
      severity: "warning",
      code: "init/left-out",
      message,
      location: { file: this.#sourceName, line: at.line, column: at.column },
    });
  }
}

/** `[a."b.c"]` parsed on its own is `{ a: { "b.c": {} } }`; `[[a]]` is `{ a: [{}] }`. */
function headerPath(parsed: Record<string, unknown>): string[] {
  const path: string[] = [];
  let node: unknown = parsed;
  for (;;) {
    if (Array.isArray(node)) node = node[0];
    if (!isTable(node)) return path;
    const keys = Object.keys(node);
    if (keys.length !== 1) return path;
    path.push(keys[0]!);
    node = node[keys[0]!];
  }
}

/** The comment lines directly above a statement (after the last blank line). */
function attachedComments(before: readonly string[]): string[] {
  const blank = before.findLastIndex((line) => line.trim() === "");
  return before.slice(blank + 1);
}

/** One blank line between tables. */
function separate(out: string[]): void {
  while (out.at(-1)?.trim() === "") out.pop();
  if (out.length > 0) out.push("");
}

/** `[external_services.users_service.mesh.routes]`: array indices are not part of a table's name. */
function tableName(path: readonly string[]): string {
  if (path.length === 0) return "the top level";
  return `[${path.filter((segment) => !/^\d+$/.test(segment)).map(tomlKey).join(".")}]`;
}

function isTableArray(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0 && value.every(isTable);
}
