// The lexical half of doc-text.ts: HTML tags, attributes and character references, read left to right with every
// lookahead memoized (finder), so a hostile description costs linear time.

/** First index of `needle` at or after `from` (-1 if none), memoized so a left-to-right scan stays linear. */
export function finder(text: string, needle: string): (from: number) => number {
  let lastFrom = -1;
  let lastAt = -1;
  return (from) => {
    if (lastFrom !== -1 && from >= lastFrom && (lastAt === -1 || from <= lastAt)) return lastAt;
    lastFrom = from;
    lastAt = text.indexOf(needle, from);
    return lastAt;
  };
}

export interface Tag {
  name: string;
  closing: boolean;
  /** Index just past the `>`. */
  end: number;
  href?: string;
}

function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isAlnum(c: number): boolean {
  return isAlpha(c) || (c >= 48 && c <= 57);
}

export function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f";
}

/** The tag starting at `lt` (`<name …>`, `</name>`, `<!…>`), or undefined when `<` starts no tag. */
export function readTag(text: string, lt: number, nextGt: (from: number) => number, nextLt: (from: number) => number): Tag | undefined {
  let j = lt + 1;
  const closing = text[j] === "/";
  if (closing) j++;
  const gt = nextGt(j);
  if (gt === -1) return undefined;
  const lt2 = nextLt(j);
  if (lt2 !== -1 && lt2 < gt) return undefined;
  if (text[j] === "!" || text[j] === "?") return { name: "!", closing, end: gt + 1 };
  if (j >= text.length || !isAlpha(text.charCodeAt(j))) return undefined;
  const nameStart = j;
  while (j < gt && isAlnum(text.charCodeAt(j))) j++;
  if (j < gt && !isSpace(text[j]!) && text[j] !== "/") return undefined;
  const name = text.slice(nameStart, j).toLowerCase();
  const tag: Tag = { name, closing, end: gt + 1 };
  if (name === "a" && !closing) {
    const href = attribute(text.slice(j, gt), "href");
    if (href !== undefined) tag.href = decode(href);
  }
  return tag;
}

/** One attribute's value from the text between a tag's name and its `>` (linear scan, no regex). */
function attribute(attrs: string, wanted: string): string | undefined {
  let k = 0;
  const n = attrs.length;
  while (k < n) {
    while (k < n && (isSpace(attrs[k]!) || attrs[k] === "/")) k++;
    const nameStart = k;
    while (k < n && !isSpace(attrs[k]!) && attrs[k] !== "=" && attrs[k] !== "/") k++;
    const name = attrs.slice(nameStart, k).toLowerCase();
    while (k < n && isSpace(attrs[k]!)) k++;
    if (attrs[k] !== "=") {
      if (k === nameStart) k++;
      continue;
    }
    k++;
    while (k < n && isSpace(attrs[k]!)) k++;
    let value: string;
    const q = attrs[k];
    if (q === '"' || q === "'") {
      const close = attrs.indexOf(q, k + 1);
      value = attrs.slice(k + 1, close === -1 ? n : close);
      k = close === -1 ? n : close + 1;
    } else {
      const start = k;
      while (k < n && !isSpace(attrs[k]!)) k++;
      value = attrs.slice(start, k);
    }
    if (name === wanted) return value;
  }
  return undefined;
}

// `&nbsp;` becomes a plain space: an invisible U+00A0 in a doc comment only confuses whoever edits it.
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Character references (`&amp;`, `&#39;`, `&#x2014;`); anything else stays as written. */
export function decode(s: string): string {
  if (!s.includes("&")) return s;
  let out = "";
  let i = 0;
  while (i < s.length) {
    const amp = s.indexOf("&", i);
    if (amp === -1) break;
    out += s.slice(i, amp);
    // A reference is short: look at most 10 characters ahead for its `;`.
    let semi = -1;
    for (let k = amp + 1; k < s.length && k <= amp + 10; k++) {
      if (s[k] === ";") {
        semi = k;
        break;
      }
      if (s[k] === "&") break;
    }
    const ref = semi === -1 ? undefined : s.slice(amp + 1, semi);
    const ch = ref === undefined ? undefined : reference(ref);
    if (ch === undefined) {
      out += "&";
      i = amp + 1;
    } else {
      out += ch;
      i = semi + 1;
    }
  }
  return out + s.slice(i);
}

function reference(ref: string): string | undefined {
  if (Object.hasOwn(NAMED, ref)) return NAMED[ref];
  let code = Number.NaN;
  if (/^#[0-9]{1,7}$/.test(ref)) code = Number.parseInt(ref.slice(1), 10);
  else if (/^#[xX][0-9a-fA-F]{1,6}$/.test(ref)) code = Number.parseInt(ref.slice(2), 16);
  // NUL, surrogates and out-of-range code points are not characters.
  if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) return undefined;
  return String.fromCodePoint(code);
}
