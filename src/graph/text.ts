// Untrusted text (services.toml keys and names, URLs) on a picture: control characters and line separators are shown
// as escapes (`\n`, `\u2028`), never acted on, so a name cannot start a new line or statement in any output syntax.
// Each emitter then escapes what its own syntax gives meaning to.

const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const SHORT: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

export function visible(text: string): string {
  return text.replace(INVISIBLE, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
