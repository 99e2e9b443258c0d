// Tokens of a .proto file with their positions. protobufjs reports problems by line only (and some not at all), so
// every located diagnostic is found here: the tokenisation follows protobufjs's tokenizer (src/tokenize.js): the
// same delimiters, strings and comments, so "the n-th token" means the same thing to both.

export interface Token {
  /** The text; for a string literal its raw contents between the quotes. */
  text: string;
  kind: "word" | "punct" | "string";
  /** Offsets into the source: [start, end) of the whole token (quotes included). */
  start: number;
  end: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

const DELIMITER = /[\s{}=;:[\],'"()<>]/;

/** Splits `source` into tokens; unterminated strings and comments end the scan (the parser reports them). */
export function scan(source: string): Token[] {
  const tokens: Token[] = [];
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const position = (offset: number): { line: number; column: number } => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };
  const push = (text: string, kind: Token["kind"], start: number, end: number): void => {
    tokens.push({ text, kind, start, end, ...position(start) });
  };

  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "/" && source[i + 1] === "/") {
      const nl = source.indexOf("\n", i);
      i = nl < 0 ? source.length : nl + 1;
      continue;
    }
    if (c === "/" && source[i + 1] === "*") {
      const close = source.indexOf("*/", i + 2);
      if (close < 0) break;
      i = close + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== "\n") j += source[j] === "\\" ? 2 : 1;
      if (source[j] !== c) break;
      push(source.slice(i + 1, j), "string", i, j + 1);
      i = j + 1;
      continue;
    }
    if (DELIMITER.test(c)) {
      push(c, "punct", i, i + 1);
      i++;
      continue;
    }
    let j = i + 1;
    while (j < source.length && !DELIMITER.test(source[j]!) && !(source[j] === "/" && (source[j + 1] === "/" || source[j + 1] === "*"))) j++;
    push(source.slice(i, j), "word", i, j);
    i = j;
  }
  return tokens;
}

/** Where the source ends (for problems at the end of input). */
export function endOf(source: string): { line: number; column: number } {
  const lines = source.split("\n");
  const last = lines[lines.length - 1] ?? "";
  // A trailing newline puts the end on the last line that has text.
  if (last === "" && lines.length > 1) return { line: lines.length - 1, column: (lines[lines.length - 2] ?? "").length + 1 };
  return { line: lines.length, column: last.length + 1 };
}
