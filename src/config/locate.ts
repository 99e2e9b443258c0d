// Maps TOML key paths to 1-based line/column positions. smol-toml returns plain objects without positions, so
// this scanner re-reads the (already valid) text and records where every key and value starts. It is lenient:
// it runs only after smol-toml accepted the document, so it never reports syntax errors itself.

export interface Position {
  line: number;
  column: number;
}

interface Entry {
  key: Position;
  value?: Position;
  /** Created implicitly by a longer header or dotted key; an explicit definition replaces it. */
  implicit: boolean;
}

/** Positions by key path; array elements are addressed by their index as a string (`endpoints.1`). */
export class TomlPositions {
  readonly #entries: Map<string, Entry>;

  constructor(entries: Map<string, Entry>) {
    this.#entries = entries;
  }

  /** Where the key (or the table header segment) that defines `path` starts. */
  key(path: readonly string[]): Position | undefined {
    return this.#entries.get(pathId(path))?.key;
  }

  /** Where the value of `path` starts; for tables defined by a header, the header segment. */
  value(path: readonly string[]): Position | undefined {
    const entry = this.#entries.get(pathId(path));
    return entry?.value ?? entry?.key;
  }
}

const pathId = (path: readonly string[]): string => JSON.stringify(path);

const BARE_KEY = /[A-Za-z0-9_-]/;
const ESCAPES: Record<string, string> = { b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", e: "\x1b", '"': '"', "\\": "\\" };

interface KeySegment {
  name: string;
  at: Position;
}

export function locateKeys(text: string): TomlPositions {
  return new Scanner(text).run();
}

class Scanner {
  readonly #s: string;
  #i = 0;
  #line = 1;
  #lineStart = 0;
  readonly #entries = new Map<string, Entry>();
  /** Arrays of tables (`[[x]]`) seen so far and how many elements each has. */
  readonly #arrayTables = new Map<string, number>();

  constructor(text: string) {
    this.#s = text;
  }

  run(): TomlPositions {
    let table: string[] = [];
    while (this.#skipBlank(true), this.#i < this.#s.length) {
      if (this.#peek() === "[") {
        table = this.#header();
      } else {
        this.#keyValue(table);
      }
      this.#skipLine();
    }
    return new TomlPositions(this.#entries);
  }

  #pos(): Position {
    return { line: this.#line, column: this.#i - this.#lineStart + 1 };
  }

  #peek(offset = 0): string {
    return this.#s[this.#i + offset] ?? "";
  }

  #next(): string {
    const c = this.#s[this.#i++] ?? "";
    if (c === "\n") {
      this.#line++;
      this.#lineStart = this.#i;
    }
    return c;
  }

  /** Spaces and tabs; with `newlines`, also line breaks and comments. */
  #skipBlank(newlines: boolean): void {
    for (;;) {
      const c = this.#peek();
      if (c === " " || c === "\t") this.#next();
      else if (newlines && (c === "\n" || c === "\r")) this.#next();
      else if (newlines && c === "#") this.#skipComment();
      else return;
    }
  }

  #skipComment(): void {
    while (this.#i < this.#s.length && this.#peek() !== "\n") this.#next();
  }

  /** Rest of the line after a header or value: blanks and an optional comment. */
  #skipLine(): void {
    this.#skipBlank(false);
    if (this.#peek() === "#") this.#skipComment();
  }

  #record(path: readonly string[], key: Position, implicit: boolean, value?: Position): void {
    const id = pathId(path);
    const existing = this.#entries.get(id);
    if (existing && !(existing.implicit && !implicit)) return;
    this.#entries.set(id, value ? { key, value, implicit } : { key, implicit });
  }

  /** Records every prefix of `base + segments` as implicit and returns the full path. */
  #recordPrefixes(base: readonly string[], segments: readonly KeySegment[]): string[] {
    const path = [...base];
    segments.forEach((segment, index) => {
      path.push(segment.name);
      if (index < segments.length - 1) this.#record(path, segment.at, true);
    });
    return path;
  }

  #header(): string[] {
    this.#next();
    const isArray = this.#peek() === "[";
    if (isArray) this.#next();
    const segments = this.#key();
    this.#skipBlank(false);
    this.#next();
    if (isArray) this.#next();
    // Headers below an array of tables address its latest element: `[[a]]` then `[a.b]` means a.<last>.b.
    const path: string[] = [];
    segments.forEach((segment, index) => {
      path.push(segment.name);
      const count = this.#arrayTables.get(pathId(path));
      const last = index === segments.length - 1;
      if (!last || !isArray) this.#record(path, segment.at, !last);
      if (count !== undefined && !last) path.push(String(count - 1));
    });
    const lastAt = segments[segments.length - 1]?.at ?? this.#pos();
    if (isArray) {
      const id = pathId(path);
      const count = this.#arrayTables.get(id) ?? 0;
      this.#arrayTables.set(id, count + 1);
      this.#record(path, lastAt, true);
      path.push(String(count));
      this.#record(path, lastAt, false);
    }
    return path;
  }

  #keyValue(table: readonly string[]): void {
    const segments = this.#key();
    const path = this.#recordPrefixes(table, segments);
    this.#skipBlank(false);
    this.#next(); // `=`
    this.#skipBlank(false);
    this.#value(path, segments[segments.length - 1]?.at ?? this.#pos());
  }

  /** A dotted key: bare, "basic" or 'literal' segments separated by dots. */
  #key(): KeySegment[] {
    const segments: KeySegment[] = [];
    for (;;) {
      this.#skipBlank(false);
      const at = this.#pos();
      const c = this.#peek();
      let name = "";
      if (c === '"') name = this.#basicString();
      else if (c === "'") name = this.#literalString();
      else while (this.#i < this.#s.length && BARE_KEY.test(this.#peek())) name += this.#next();
      segments.push({ name, at });
      this.#skipBlank(false);
      if (this.#peek() !== ".") return segments;
      this.#next();
    }
  }

  #value(path: string[], keyAt: Position): void {
    const at = this.#pos();
    this.#record(path, keyAt, false, at);
    const c = this.#peek();
    if (c === '"' || c === "'") {
      if (this.#peek(1) === c && this.#peek(2) === c) this.#multilineString(c);
      else if (c === '"') this.#basicString();
      else this.#literalString();
    } else if (c === "{") {
      this.#inlineTable(path);
    } else if (c === "[") {
      this.#array(path);
    } else {
      // Numbers, booleans, dates (which may contain one space): up to a separator, comment or line end.
      while (this.#i < this.#s.length && !",]}#\r\n".includes(this.#peek())) this.#next();
    }
  }

  #inlineTable(path: readonly string[]): void {
    this.#next();
    for (;;) {
      this.#skipBlank(true);
      if (this.#peek() === "}" || this.#i >= this.#s.length) break;
      const segments = this.#key();
      const full = this.#recordPrefixes(path, segments);
      this.#skipBlank(false);
      this.#next(); // `=`
      this.#skipBlank(false);
      this.#value(full, segments[segments.length - 1]?.at ?? this.#pos());
      this.#skipBlank(true);
      if (this.#peek() === ",") this.#next();
    }
    this.#next();
  }

  #array(path: readonly string[]): void {
    this.#next();
    for (let index = 0; ; index++) {
      this.#skipBlank(true);
      if (this.#peek() === "]" || this.#i >= this.#s.length) break;
      const at = this.#pos();
      this.#value([...path, String(index)], at);
      this.#skipBlank(true);
      if (this.#peek() === ",") this.#next();
    }
    this.#next();
  }

  #basicString(): string {
    this.#next();
    let out = "";
    while (this.#i < this.#s.length) {
      const c = this.#next();
      if (c === '"' || c === "\n") break;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.#next();
      const width = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
      if (width > 0) {
        const hex = this.#s.slice(this.#i, this.#i + width);
        for (let k = 0; k < width; k++) this.#next();
        out += String.fromCodePoint(Number.parseInt(hex, 16) || 0);
      } else {
        out += ESCAPES[e] ?? e;
      }
    }
    return out;
  }

  #literalString(): string {
    this.#next();
    let out = "";
    while (this.#i < this.#s.length) {
      const c = this.#next();
      if (c === "'" || c === "\n") break;
      out += c;
    }
    return out;
  }

  /** Skips `"""…"""` or `'''…'''`; up to two extra quotes before the closing three belong to the content. */
  #multilineString(quote: string): void {
    const close = quote.repeat(3);
    for (let k = 0; k < 3; k++) this.#next();
    while (this.#i < this.#s.length) {
      if (quote === '"' && this.#peek() === "\\") {
        this.#next();
        this.#next();
        continue;
      }
      if (this.#s.startsWith(close, this.#i)) {
        while (this.#peek(3) === quote) this.#next();
        for (let k = 0; k < 3; k++) this.#next();
        return;
      }
      this.#next();
    }
  }
}
