// Positions for problems protobufjs reports without one. A parse error is pinned to the token where it happens by
// re-parsing ever longer prefixes of the file (binary search over token ends): the shortest prefix that fails with
// the same message ends at the culprit. Only the error path pays for this (a handful of ~1 ms parses).
import { type Token, endOf } from "./scan.js";

export interface Position {
  line: number;
  column: number;
}

/** protobufjs's `illegal token 'x', ';' expected (file.proto, line 3)` → the words users read. */
export function describeParseError(message: string): string {
  const text = message.replace(/\s*\((?:[^()]*, )?line \d+\)\s*$/, "");
  let m = /^illegal token '(.*)', '(.*)' expected$/s.exec(text);
  if (m) return `expected ${JSON.stringify(m[2])} but found ${found(m[1]!)}`;
  m = /^illegal (token|name|type name|service name|type|id|value|number|integer|reference|syntax|edition|end of input|option) '(.*)'$/s.exec(text);
  if (m) {
    const what = m[1]!;
    if (m[2] === "null" || what === "end of input") return "unexpected end of file";
    if (what === "token") return `unexpected ${found(m[2]!)}`;
    if (what === "syntax") return `unsupported syntax ${JSON.stringify(m[2])} (use "proto3" or "proto2")`;
    return `invalid ${what} ${JSON.stringify(m[2])}`;
  }
  if (/^illegal string/.test(text)) return "unterminated string";
  if (/^illegal comment/.test(text)) return "unterminated comment";
  const dup = /^duplicate name '(.*)' in (.*)$/s.exec(text);
  if (dup) return `${JSON.stringify(dup[1])} is already defined in ${dup[2]!.replace(/^\w+ \.?/, "") || "the root"}`;
  const id = /^duplicate id (\d+) in (.*)$/s.exec(text);
  if (id) return `field number ${id[1]} is used twice in ${id[2]!.replace(/^\w+ \.?/, "")}`;
  return text;
}

function found(token: string): string {
  return token === "null" ? "the end of the file" : JSON.stringify(token);
}

/**
 * Where a parse of `source` failed with `message`. `reparse(prefix)` parses a prefix the same way and returns its
 * error message (undefined when it parses). Errors at the end of input point at the end of the file.
 */
export function locateParseError(
  source: string,
  tokens: readonly Token[],
  message: string,
  reparse: (prefix: string) => string | undefined,
): Position {
  if (/'null'|end of input|^illegal (string|comment)/.test(message)) {
    const unterminated = /^illegal (string|comment)/.test(message) ? unterminatedAt(source) : undefined;
    return unterminated ?? endOf(source);
  }
  let lo = 0;
  let hi = tokens.length - 1;
  let hit = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (reparse(source.slice(0, tokens[mid]!.end)) === message) {
      hit = mid;
      hi = mid - 1;
    } else {
      lo = mid + 1;
    }
  }
  if (hit >= 0) {
    // protobufjs adds a declaration once it is complete: point duplicates at their name, not at the closing token.
    const named = culprit(tokens, hit, message);
    return { line: named.line, column: named.column };
  }
  const line = /line (\d+)\)\s*$/.exec(message);
  return { line: line ? Number(line[1]) : 1, column: 1 };
}

/** For duplicate names and numbers, the token that names the duplicate; otherwise the token at `hit`. */
function culprit(tokens: readonly Token[], hit: number, message: string): Token {
  const name = /^duplicate name '(.*?)'/.exec(message)?.[1];
  const id = /^duplicate id (\d+)/.exec(message)?.[1];
  for (let i = hit; i >= 0 && (name !== undefined || id !== undefined); i--) {
    const t = tokens[i]!;
    if (name !== undefined && t.text === name) return t;
    if (id !== undefined && t.text === id && tokens[i - 1]?.text === "=" && tokens[i - 2] !== undefined) return tokens[i - 2]!;
  }
  return tokens[hit]!;
}

/** The opening quote or comment start that never closes. */
function unterminatedAt(source: string): Position | undefined {
  let line = 1;
  let column = 1;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    const here = { line, column };
    if (c === "/" && source[i + 1] === "/") {
      const nl = source.indexOf("\n", i);
      if (nl < 0) return undefined;
      column += nl - i;
      i = nl - 1;
      continue;
    }
    if (c === "/" && source[i + 1] === "*") {
      const close = source.indexOf("*/", i + 2);
      if (close < 0) return here;
      for (let j = i; j < close + 2; j++) {
        if (source[j] === "\n") {
          line++;
          column = 1;
        } else column++;
      }
      i = close + 1;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== "\n") j += source[j] === "\\" ? 2 : 1;
      if (source[j] !== c) return here;
      column += j - i + 1;
      i = j;
      continue;
    }
    if (c === "\n") {
      line++;
      column = 1;
    } else column++;
  }
  return undefined;
}

/** The token naming field `name` = `number` (its type token when `type` is given and found just before it). */
export function fieldTokens(tokens: readonly Token[], name: string, number: number, type?: string): Token | undefined {
  for (let i = 0; i + 2 < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== "word" || t.text !== name || tokens[i + 1]!.text !== "=" || parseId(tokens[i + 2]!.text) !== number) continue;
    if (type !== undefined) {
      for (let j = i - 1; j >= 0 && j >= i - 8; j--) if (tokens[j]!.text === type || tokens[j]!.text === `.${type}`) return tokens[j];
    }
    return t;
  }
  return undefined;
}

/** The first word token `text` after the token sequence `lead` (e.g. `rpc`, `Name`). */
export function tokenAfter(tokens: readonly Token[], lead: readonly string[], text: string): Token | undefined {
  for (let i = 0; i + lead.length <= tokens.length; i++) {
    if (!lead.every((l, k) => tokens[i + k]!.text === l)) continue;
    for (let j = i + lead.length; j < tokens.length && tokens[j]!.text !== ";" && tokens[j]!.text !== "{"; j++) {
      if (tokens[j]!.text === text || tokens[j]!.text === `.${text}`) return tokens[j];
    }
    return tokens[i + lead.length - 1];
  }
  return undefined;
}

/** The name token of a declaration: `message X`, `enum X`, `service X`, `oneof X`, `rpc X`. */
export function declarationToken(tokens: readonly Token[], keyword: string, name: string): Token | undefined {
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokens[i]!.text === keyword && tokens[i + 1]!.text === name) return tokens[i + 1];
  }
  return undefined;
}

function parseId(text: string): number {
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return parseInt(text, 16);
  if (/^0[0-7]+$/.test(text)) return parseInt(text, 8);
  return /^-?\d+$/.test(text) ? Number(text) : NaN;
}
