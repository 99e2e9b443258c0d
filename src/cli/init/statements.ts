// Splits TOML text into statements (a table header, or one key/value however many lines its value spans) and the
// comment and blank lines between them, so `init --from` can keep statements verbatim, comments included.
// smol-toml returns values without positions or comments. The scanner is lenient: it runs only on text smol-toml
// accepted, so it tracks just what decides where a statement ends (strings, brackets, comments).

export type StatementKind = "header" | "array-header" | "key";

export interface Statement {
  kind: StatementKind;
  /** Source lines of the statement, as written (a trailing comment included). */
  lines: string[];
  /** 1-based line of its first line. */
  line: number;
  /** The comment and blank lines between the previous statement (or the top of the file) and this one. */
  before: string[];
}

export interface SplitText {
  statements: Statement[];
  /** Comment and blank lines after the last statement. */
  after: string[];
}

export function splitStatements(text: string): SplitText {
  const lines = text.split(/\r?\n/);
  const statements: Statement[] = [];
  let trivia: string[] = [];
  let current: Statement | undefined;
  const state: ScanState = { string: undefined, depth: 0 };
  lines.forEach((line, index) => {
    const fresh = state.string === undefined && state.depth === 0;
    if (!fresh && current !== undefined) {
      current.lines.push(line);
    } else {
      const trimmed = line.trimStart();
      if (trimmed === "" || trimmed.startsWith("#")) {
        trivia.push(line);
        return;
      }
      const kind: StatementKind = trimmed.startsWith("[[") ? "array-header" : trimmed.startsWith("[") ? "header" : "key";
      current = { kind, lines: [line], line: index + 1, before: trivia };
      statements.push(current);
      trivia = [];
    }
    scanLine(line, state);
  });
  // A final newline leaves one empty "line" that is not part of the text.
  if (trivia.at(-1) === "") trivia.pop();
  return { statements, after: trivia };
}

type Quote = '"' | "'" | '"""' | "'''";

interface ScanState {
  /** The string open at the end of the last line: only multi-line strings stay open across lines. */
  string: Quote | undefined;
  /** Open `[` and `{` outside strings and comments (arrays and inline tables spanning lines). */
  depth: number;
}

function scanLine(line: string, state: ScanState): void {
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    const open = state.string;
    if (open !== undefined) {
      if (c === "\\" && open.startsWith('"')) {
        i += 2;
        continue;
      }
      if (c === open[0]) {
        if (open.length === 1) {
          state.string = undefined;
          i++;
          continue;
        }
        const run = quoteRun(line, i, c);
        // Inside a multi-line string, three or more quotes can only be the closing delimiter (with up to two quotes
        // of content before it).
        if (run >= 3) state.string = undefined;
        i += run;
        continue;
      }
      i++;
      continue;
    }
    if (c === "#") break;
    if (c === '"' || c === "'") {
      const triple = line.startsWith(c.repeat(3), i);
      state.string = (triple ? c.repeat(3) : c) as Quote;
      i += triple ? 3 : 1;
      continue;
    }
    if (c === "[" || c === "{") state.depth++;
    else if (c === "]" || c === "}") state.depth--;
    i++;
  }
  // A single-line string cannot continue on the next line.
  if (state.string === '"' || state.string === "'") state.string = undefined;
}

function quoteRun(line: string, from: number, quote: string): number {
  let end = from;
  while (line[end] === quote) end++;
  return end - from;
}
