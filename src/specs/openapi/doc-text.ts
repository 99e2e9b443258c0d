// Spec descriptions → Markdown-ish text for JSDoc. Stripe (and others) write descriptions in HTML (`<p>…</p>`,
// `<a href>`, `<code>`); editors render JSDoc as Markdown, so the tags are turned into their Markdown spelling.
// The model carries the converted text (operations.ts) and openapi-typescript gets a converted copy of the document
// (readable-docs.ts), so every JSDoc in a generated client reads the same; the emitters only escape it (literal.ts).
//
// Specs are untrusted input: one left-to-right pass, no backtracking regex, every lookahead memoized, so the time is
// linear in the input and the output at most a small constant times its size (list indentation is capped).
// Text without any known HTML tag passes through unchanged (Markdown descriptions stay as written). jsdoc() in
// literal.ts still escapes the result; this module never adds a comment terminator of its own either.

import { decode, finder, isSpace, readTag, type Tag } from "./html-scan.js";

/** Tags that mark a description as HTML; any other `<word>` alone (`List<T>`, `<currency>`) does not. */
const KNOWN = new Set([
  "a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4",
  "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p", "pre", "s", "samp", "small", "span", "strong", "sub",
  "sup", "table", "tbody", "td", "th", "thead", "tr", "tt", "u", "ul", "var",
]);
/** Tags that end a paragraph. */
const BLOCK = new Set(["p", "div", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table", "dl", "hr", "ul", "ol", "pre"]);
/** Block structure: its presence means HTML whitespace rules (collapse); without it, line breaks are kept as written. */
const BLOCK_TAG = /<\/?(?:p|div|blockquote|h[1-6]|table|tr|dl|dt|dd|hr|ul|ol|li|pre|br)[\s/>]/i;
/** Tags that end a line. */
const LINE = new Set(["br", "tr", "dt", "dd"]);
const MAX_INDENT = 4;

/** Markdown-ish text for a description that may be HTML; undefined stays undefined. */
export function docText(text: string): string;
export function docText(text: string | undefined): string | undefined;
export function docText(text: string | undefined): string | undefined {
  if (text === undefined || !text.includes("<")) return text;
  const out = convert(text);
  return out ?? text;
}

/** The HTML → Markdown-ish pass; undefined when the text holds no known tag (it is not HTML). */
function convert(text: string): string | undefined {
  const nextGt = finder(text, ">");
  const nextLt = finder(text, "<");
  const nextCommentEnd = finder(text, "-->");
  const w = new Writer(!BLOCK_TAG.test(text));
  let sawHtml = false;
  let textStart = 0; // start of the text not yet written (a `<` that starts no tag stays part of it)
  let i = 0;
  const flush = (end: number): void => {
    if (end > textStart) w.text(decode(text.slice(textStart, end)), w.inPre());
  };
  while (i < text.length) {
    const lt = nextLt(i);
    if (lt === -1) break;
    if (text.startsWith("<!--", lt)) {
      flush(lt);
      const close = nextCommentEnd(lt + 4);
      i = textStart = close === -1 ? text.length : close + 3;
      continue;
    }
    const tag = readTag(text, lt, nextGt, nextLt);
    if (tag === undefined) {
      i = lt + 1;
      continue;
    }
    flush(lt);
    // A tag we do not know (`<currency>`) is dropped, its text kept; it alone does not make the text HTML.
    if (KNOWN.has(tag.name)) {
      sawHtml = true;
      w.tag(tag);
    }
    i = textStart = tag.end;
  }
  flush(text.length);
  return sawHtml ? w.finish() : undefined;
}

/** An inline span being collected (code, link, preformatted block) before it is wrapped. */
interface Span {
  kind: "code" | "a" | "pre";
  href?: string;
  buf: string;
  /** The enclosing text's pending space when the span opened. */
  spaceBefore?: boolean;
}

/** Where an emphasis marker was opened, to take it back when nothing follows it. */
interface Opener {
  span: Span | undefined;
  before: number;
  after: number;
  /** The writer's spacing state before the marker. */
  noSpace: boolean;
  pendingSpace: boolean;
  pendingBreak: number;
}

/** Builds the Markdown-ish text: paragraph and line breaks are pending until the next word, spaces collapse. */
class Writer {
  /** Markdown with inline HTML only: text is kept as written, only the tags are converted. */
  constructor(private readonly verbatim: boolean) {}

  private out = "";
  private pendingBreak = 0; // 0 none, 1 newline, 2 blank line
  private pendingSpace = false;
  /** No space before the next word: at a line start, or just after an opening marker. */
  private noSpace = true;
  private span: Span | undefined;
  private outer: Span | undefined; // a code span inside a link
  private lists = 0;
  private strong: Opener[] = [];
  private em: Opener[] = [];

  inPre(): boolean {
    return this.span?.kind === "pre";
  }

  /** Text between tags; whitespace collapses except in `<pre>`. */
  text(s: string, pre: boolean): void {
    if (pre) {
      this.span!.buf += s;
      return;
    }
    if (this.verbatim) {
      this.word(escapeText(s, this.span?.kind === "code"));
      return;
    }
    let k = 0;
    while (k < s.length) {
      const start = k;
      while (k < s.length && !isSpace(s[k]!)) k++;
      if (k > start) this.word(escapeText(s.slice(start, k), this.span?.kind === "code"));
      if (k < s.length) {
        this.space();
        while (k < s.length && isSpace(s[k]!)) k++;
      }
    }
  }

  tag(tag: Tag): void {
    const { name, closing } = tag;
    if (this.span?.kind === "pre") {
      if (name === "pre" && closing) this.closeSpan();
      else if (name === "br") this.span.buf += "\n";
      return;
    }
    if (name === "code" || name === "tt" || name === "kbd" || name === "samp") {
      if (closing) {
        if (this.span?.kind === "code") this.closeSpan();
      } else if (this.span?.kind !== "code") this.openSpan({ kind: "code", buf: "" });
      return;
    }
    if (name === "a") {
      if (this.span?.kind === "code") {
        // `</a>` while a code span inside the link is open ends both.
        if (closing && this.outer?.kind === "a") this.closeSpan(), this.closeSpan();
        return;
      }
      if (this.span?.kind === "a") this.closeSpan(); // links do not nest: a new one (or `</a>`) ends the open one
      if (!closing) this.openSpan({ kind: "a", buf: "", ...(tag.href !== undefined ? { href: tag.href } : {}) });
      return;
    }
    if (this.span?.kind === "code") {
      if (BLOCK.has(name) || LINE.has(name) || name === "li") this.space();
      return;
    }
    if (name === "strong" || name === "b") {
      this.emphasis("**", closing, "strong");
      return;
    }
    if (name === "em" || name === "i") {
      this.emphasis("*", closing, "em");
      return;
    }
    if (this.span !== undefined) {
      // Inside a link, block structure is only a space.
      if (BLOCK.has(name) || LINE.has(name) || name === "li") this.space();
      return;
    }
    if (name === "pre") {
      if (!closing) {
        this.brk(2);
        this.openSpan({ kind: "pre", buf: "" });
      }
      return;
    }
    if (name === "ul" || name === "ol") {
      if (closing) this.lists = Math.max(0, this.lists - 1);
      else this.lists++;
      this.brk(this.lists > 0 ? 1 : 2);
      return;
    }
    if (name === "li") {
      this.brk(1);
      if (!closing) {
        const indent = "  ".repeat(Math.min(Math.max(this.lists - 1, 0), MAX_INDENT));
        this.word(`${indent}-`);
        this.space();
      }
      return;
    }
    if (name === "br") {
      this.pendingBreak = Math.min(2, this.pendingBreak + 1);
      this.pendingSpace = false;
      return;
    }
    if (BLOCK.has(name)) this.brk(this.lists > 0 ? 1 : 2);
    else if (LINE.has(name)) this.brk(1);
    else if (name === "td" || name === "th") this.space();
  }

  finish(): string {
    while (this.span !== undefined) this.closeSpan();
    this.closeEmphasis("**", "strong");
    this.closeEmphasis("*", "em");
    // A marker that touches a `/` would read as a comment terminator; jsdoc() escapes it too, but never add one.
    return this.out.trimEnd().replace(/\*\//g, "*\\/");
  }

  private emphasis(marker: string, closing: boolean, which: "strong" | "em"): void {
    const stack = which === "strong" ? this.strong : this.em;
    if (!closing) {
      const before = this.target().length;
      const { noSpace, pendingSpace, pendingBreak } = this;
      this.word(marker, true);
      stack.push({ span: this.span, before, after: this.target().length, noSpace, pendingSpace, pendingBreak });
    } else if (stack.length > 0) this.closeOne(marker, stack.pop()!);
  }

  private closeEmphasis(marker: string, which: "strong" | "em"): void {
    const stack = which === "strong" ? this.strong : this.em;
    while (stack.length > 0) this.closeOne(marker, stack.pop()!);
  }

  /** A closing marker attached to the previous word; an emphasis around nothing (`<b></b>`) is taken back instead. */
  private closeOne(marker: string, open: Opener): void {
    if (open.span === this.span && this.target().length === open.after) {
      this.setTarget(this.target().slice(0, open.before));
      this.noSpace = open.noSpace;
      this.pendingBreak = Math.max(this.pendingBreak, open.pendingBreak);
      this.pendingSpace = this.pendingSpace || open.pendingSpace;
      return;
    }
    this.setTarget(this.target() + marker);
  }

  private target(): string {
    return this.span !== undefined ? this.span.buf : this.out;
  }

  private setTarget(text: string): void {
    if (this.span !== undefined) this.span.buf = text;
    else this.out = text;
  }

  private openSpan(span: Span): void {
    if (this.span !== undefined) this.outer = this.span;
    span.spaceBefore = this.pendingSpace;
    this.pendingSpace = false;
    this.span = span;
  }

  private closeSpan(): void {
    const span = this.span!;
    const spaceAfter = this.pendingSpace;
    this.span = this.outer;
    this.outer = undefined;
    this.pendingSpace = span.spaceBefore === true;
    this.wrap(span);
    if (spaceAfter) this.pendingSpace = true;
  }

  private wrap(span: Span): void {
    if (span.kind === "pre") {
      const body = span.buf.replace(/^\n/, "").trimEnd();
      const fence = "`".repeat(Math.max(3, longestRun(body, "`") + 1));
      this.brk(2);
      this.word(`${fence}\n${body}\n${fence}`);
      this.brk(2);
      return;
    }
    const content = span.buf.trim();
    if (span.kind === "code") {
      if (content === "") return;
      const ticks = "`".repeat(longestRun(content, "`") + 1);
      const pad = content.startsWith("`") || content.endsWith("`") ? " " : "";
      this.word(`${ticks}${pad}${content}${pad}${ticks}`);
      return;
    }
    if (content === "") return;
    const label = content.replace(/[[\]]/g, "\\$&");
    const href = span.href === undefined ? undefined : safeHref(span.href);
    this.word(href === undefined ? label : `[${label}](${href})`);
  }

  private space(): void {
    this.pendingSpace = true;
  }

  private brk(n: 1 | 2): void {
    if (this.span !== undefined) {
      this.space();
      return;
    }
    this.pendingBreak = Math.max(this.pendingBreak, n);
    this.pendingSpace = false;
  }

  private word(s: string, opener = false): void {
    if (this.span !== undefined) {
      if (this.pendingSpace && this.span.buf !== "" && !this.noSpace) this.span.buf += " ";
      this.pendingSpace = false;
      this.span.buf += s;
      this.noSpace = opener;
      return;
    }
    if (this.pendingBreak > 0 && this.out !== "") {
      this.out += this.pendingBreak === 2 ? "\n\n" : "\n";
      this.noSpace = true;
    }
    this.pendingBreak = 0;
    if (this.pendingSpace && !this.noSpace && this.out !== "") this.out += " ";
    this.pendingSpace = false;
    this.out += s;
    this.noSpace = opener;
  }
}

function longestRun(s: string, ch: string): number {
  let best = 0;
  let cur = 0;
  for (let k = 0; k < s.length; k++) {
    cur = s[k] === ch ? cur + 1 : 0;
    if (cur > best) best = cur;
  }
  return best;
}

/** Text outside code: a decoded `<` that would read as a tag is escaped, as are link brackets. */
function escapeText(s: string, code: boolean): string {
  if (code || !s.includes("<")) return s;
  let out = "";
  for (let k = 0; k < s.length; k++) {
    const c = s[k]!;
    if (c === "<" && k + 1 < s.length && /[A-Za-z/!?]/.test(s[k + 1]!)) out += "\\<";
    else out += c;
  }
  return out;
}

/** http(s) and relative links are kept; other schemes (javascript:, data:, …) keep only their text. */
function safeHref(href: string): string | undefined {
  const h = href.trim();
  if (h === "") return undefined;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(h);
  if (scheme !== null && !/^https?$/i.test(scheme[1]!)) return undefined;
  if (/[\u0000-\u001f\u007f]/.test(h)) return undefined;
  // Characters that would end the Markdown link or the comment are percent-encoded.
  return h.replace(/[\s()<>*`\\[\]]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}
