// Text from specs and TOML only ever reaches generated code through these functions.

/** A TypeScript string literal for any text: JSON escaping covers quotes, backslashes, newlines and control
 * characters; U+2028/U+2029 are escaped too so older tools that treat them as line ends stay correct. */
export function str(text: string): string {
  return json(text);
}

/** Plain data as JSON text, U+2028/U+2029 escaped as str() does. */
export function json(value: unknown): string {
  return JSON.stringify(value).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/**
 * A template literal (no substitutions) whose value is `text`: backslashes, backticks and `${` escaped, and CR too
 * (a template literal reads a raw CR as LF).
 */
export function template(text: string): string {
  return `\`${text.replace(/[\\`]|\$\{/g, (m) => `\\${m}`).replace(/\r/g, "\\r")}\``;
}

/** A JSDoc block (with the given indent) from free text, or "" when there is nothing to say.
 * `*\/` can never close the comment early, and line breaks of every kind become ` * ` lines. */
export function jsdoc(lines: ReadonlyArray<string | undefined>, indent = ""): string {
  const body = lines
    .filter((l): l is string => l !== undefined && l.trim() !== "")
    .join("\n\n")
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, "\n")
    // Neither a comment terminator nor a nested opener (some tools warn on it) survives.
    .replace(/\*\//g, "*\\/")
    .replace(/\/\*/g, "/\\*")
    // Other control characters have no business in a comment.
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "")
    .split("\n")
    // trimEnd, not /\s+$/: that regex is quadratic on a long run of spaces followed by text.
    .map((l) => l.trimEnd());
  while (body.length > 0 && body[body.length - 1] === "") body.pop();
  if (body.length === 0) return "";
  if (body.length === 1) return `${indent}/** ${body[0]} */\n`;
  return `${indent}/**\n${body.map((l) => (l === "" ? `${indent} *` : `${indent} * ${l}`)).join("\n")}\n${indent} */\n`;
}

/** A plain-data value (from the model) as a TypeScript expression. Keys are always quoted when not identifiers. */
export function literal(value: unknown, indent = ""): string {
  if (value === undefined) return "undefined";
  if (value === null || typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return str(value);
  const next = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (value.every((v) => v === null || typeof v !== "object")) return `[${value.map((v) => literal(v)).join(", ")}]`;
    return `[\n${value.map((v) => `${next}${literal(v, next)},`).join("\n")}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${next}${key(k)}: ${literal(v, next)},`).join("\n")}\n${indent}}`;
}

function key(k: string): string {
  // A quoted "__proto__" key would still set the prototype; a computed one defines an own property.
  if (k === "__proto__") return `[${str(k)}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : str(k);
}
