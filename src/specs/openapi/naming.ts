// Client method names from operations. Pure functions; the rules are spelled out in tests/naming.test.ts.
//
// Rules:
// - With an operationId: split it into words at every character outside [A-Za-z0-9] (so `repos/get-content`,
//   `get_user`, `users.list` all work), then camelCase: the first word starts lower-case (a leading acronym is
//   lower-cased whole: `HTMLPage` → `htmlPage`), later words start upper-case, everything else is kept.
// - Without one (or when nothing is left after sanitising): method + path, static segments as words and each
//   `{param}` as `By<Param>`: `get /users/{id}/posts` → `getUsersByIdPosts`; `get /` → `getRoot`.
// - A leading digit gets a `_` prefix (`2fa-verify` → `_2faVerify`).
// - Names that are JS reserved words or clash with client/Object members get a `_` suffix (`delete` → `delete_`,
//   `health` → `health_`, `then` → `then_`): the suffix keeps the spec's word first, which reads better in editors.
// - Collisions: operations sorted by (path, method); the first keeps the name, the next get 2, 3, ... (skipping
//   names another operation already owns).

import type { HttpMethod } from "../../model/types.js";

/** ES reserved words (incl. strict mode and future reserved) plus identifiers that cannot be bindings. */
const RESERVED_WORDS = [
  "arguments", "await", "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do",
  "else", "enum", "eval", "export", "extends", "false", "finally", "for", "function", "if", "implements", "import",
  "in", "instanceof", "interface", "let", "new", "null", "package", "private", "protected", "public", "return",
  "static", "super", "switch", "this", "throw", "true", "try", "typeof", "undefined", "var", "void", "while", "with",
  "yield", "NaN", "Infinity",
];

/** Members every generated client has, plus Object.prototype members and `then` (a `then` method makes it thenable). */
const CLIENT_MEMBERS = [
  "health", "ready", "request", "describe", "close", "constructor", "prototype", "then",
  "__proto__", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__",
  "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "toString", "valueOf",
];

const AVOIDED: ReadonlySet<string> = new Set([...RESERVED_WORDS, ...CLIENT_MEMBERS]);

function words(text: string): string[] {
  return text.split(/[^A-Za-z0-9]+/).filter((w) => w !== "");
}

function upperFirst(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function lowerFirstWord(word: string): string {
  // `HTMLPage` → `htmlPage`, `URL` → `url`, `ID2` → `id2`, `GetUsers` → `getUsers`.
  const acronym = /^[A-Z]+(?=[A-Z][a-z])|^[A-Z]+(?![a-z])/.exec(word);
  if (acronym) return acronym[0].toLowerCase() + word.slice(acronym[0].length);
  return word.charAt(0).toLowerCase() + word.slice(1);
}

function camel(parts: readonly string[]): string {
  return parts.map((w, i) => (i === 0 ? lowerFirstWord(w) : upperFirst(w))).join("");
}

/** Words for a path template: static text as words, `{param}` as `By` + param words. */
function pathWords(path: string): string[] {
  const out: string[] = [];
  for (const piece of path.split(/(\{[^}]*\})/)) {
    if (piece.startsWith("{") && piece.endsWith("}")) {
      out.push("By", ...words(piece.slice(1, -1)).map(upperFirst));
    } else {
      out.push(...words(piece));
    }
  }
  return out;
}

function finish(name: string): string {
  const safe = /^[0-9]/.test(name) ? `_${name}` : name;
  return AVOIDED.has(safe) ? `${safe}_` : safe;
}

/** The base (not yet unique) method name for one operation. */
export function methodName(operationId: string | undefined, method: HttpMethod, path: string): string {
  if (operationId !== undefined) {
    const fromId = camel(words(operationId));
    if (fromId !== "") return finish(fromId);
  }
  const fromPath = pathWords(path);
  return finish(camel([method, ...(fromPath.length === 0 ? ["Root"] : fromPath)]));
}

export interface NamedOperation {
  path: string;
  method: string;
  base: string;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Unique names for operations, returned in the input order. Deterministic regardless of input order: the
 * operations are ranked by (path, method) and the first of each base keeps it.
 */
export function uniqueNames(ops: readonly NamedOperation[]): string[] {
  const order = ops
    .map((op, index) => ({ op, index }))
    .sort((a, b) => compareStrings(a.op.path, b.op.path) || compareStrings(a.op.method, b.op.method));
  const bases = new Set(ops.map((op) => op.base));
  const used = new Set<string>();
  const result: string[] = new Array<string>(ops.length);
  for (const { op, index } of order) {
    let name = op.base;
    if (used.has(name)) {
      let n = 2;
      while (used.has(`${op.base}${n}`) || bases.has(`${op.base}${n}`)) n++;
      name = `${op.base}${n}`;
    }
    used.add(name);
    result[index] = name;
  }
  return result;
}
