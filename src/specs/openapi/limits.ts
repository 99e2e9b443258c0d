// Bounds on what one spec document may make svcgen do, checked right after each file is parsed and before Redocly or
// openapi-typescript walk it (both recurse, and neither expands YAML aliases lazily):
// - nesting: at most MAX_DEPTH arrays/objects inside each other. js-yaml stops YAML there itself (its maxDepth
//   option); JSON.parse does not stop, and 5,000 nested arrays would otherwise end in "Maximum call stack size
//   exceeded" deep inside a library, with no location.
// - YAML aliases: js-yaml shares one object per anchor, so nine lines of `&b [*a, *a, …]` parse instantly into a
//   graph whose tree has 9^9 nodes, which every later walk expands ("billion laughs"). All files of one spec together
//   may add at most MAX_ALIAS_NODES nodes through aliases; an alias that contains itself is refused outright.
// - `$ref` chains inside a file (see ref-chains.ts).
// A violation throws a LimitError, which Redocly and bundle.ts treat like a syntax error of that file.
import { YamlParseError, type Source } from "@redocly/openapi-core";
import { lineColumn } from "./locate.js";
import { toPointer } from "./pointer.js";
import { checkRefChains, type LocalRef } from "./ref-chains.js";

export const MAX_DEPTH = 256;
export const MAX_ALIAS_NODES = 1_000_000;

/** Diagnostic codes by the start of their message: the message is all that survives Redocly's problem reports. */
const CODES: ReadonlyArray<readonly [string, string]> = [
  ["nesting deeper than", "openapi/too-deep"],
  ["YAML aliases expand", "openapi/alias-expansion"],
  ["YAML alias inside", "openapi/alias-cycle"],
  ["$ref chain longer", "openapi/ref-chain"],
  ["$ref cycle", "openapi/ref-cycle"],
];

export function limitCode(message: string): string | undefined {
  return CODES.find(([prefix]) => message.startsWith(prefix))?.[1];
}

export function tooDeep(when = ""): string {
  return `nesting deeper than ${MAX_DEPTH} levels${when} (svcgen's limit for arrays and objects inside each other)`;
}

/** A spec file svcgen refuses to walk; `line`/`col` (1-based) and `pointer` say where. */
export class LimitError extends YamlParseError {
  readonly code: string;
  readonly pointer: string | undefined;

  constructor(message: string, source: Source, at: { line?: number; column?: number; pointer?: string }) {
    // Shaped like a js-yaml exception (`reason`, 0-based `mark`), which is what problems.ts reads positions from.
    const original = Object.assign(new Error(message), {
      reason: message,
      ...(at.line !== undefined ? { mark: { line: at.line - 1, column: (at.column ?? 1) - 1 } } : {}),
    });
    super(original, source);
    // YamlParseError pins its own prototype, which would hide this class from `instanceof`.
    Object.setPrototypeOf(this, LimitError.prototype);
    // Redocly reports a referenced file's parse error at line/col; without a position, the file's start.
    this.line = at.line ?? 1;
    this.col = at.column ?? 1;
    this.code = limitCode(message) ?? "openapi/parse";
    this.pointer = at.pointer;
  }
}

/** Aliases left for the rest of one spec's files. */
export interface AliasBudget {
  nodes: number;
}

const ANCHOR = /(?:^|[\s[\]{},])&[^\s[\]{},]/;

/**
 * Throws a LimitError when `parsed` nests too deeply, its local `$ref` chains are too long or circular, or, for YAML
 * with anchors, its aliases expand too far or contain themselves. One iterative walk; shared (aliased) nodes are
 * measured once and then only counted.
 */
export function checkDocument(parsed: unknown, source: Source, yaml: boolean, budget: AliasBudget): void {
  if (typeof parsed !== "object" || parsed === null) return;
  // JSON.parse and alias-free YAML always give trees: no bookkeeping per node for them.
  const shared = yaml && ANCHOR.test(source.body);
  const measured = new Map<object, { size: number; height: number }>();
  const open = new Set<object>();
  interface Frame {
    node: object;
    keys: string[];
    i: number;
    size: number;
    height: number;
  }
  const frames: Frame[] = [];
  const path: string[] = [];
  const refs: LocalRef[] = [];
  const enter = (node: object): void => {
    frames.push({ node, keys: Object.keys(node), i: 0, size: 1, height: 1 });
    if (shared) open.add(node);
  };
  const fail = (message: string, key: string): never => {
    const pointer = toPointer([...path, key]);
    throw new LimitError(message, source, { pointer, ...lineColumn(source, pointer) });
  };
  enter(parsed);
  while (frames.length > 0) {
    const top = frames[frames.length - 1]!;
    if (top.i < top.keys.length) {
      const key = top.keys[top.i++]!;
      const child: unknown = (top.node as Record<string, unknown>)[key];
      if (typeof child !== "object" || child === null) {
        top.size += 1;
        if (key === "$ref" && typeof child === "string" && child.startsWith("#") && !Array.isArray(top.node)) {
          refs.push({ holder: [...path], ref: child });
        }
        continue;
      }
      if (shared) {
        if (open.has(child)) fail("YAML alias inside the node it names (a cycle); use $ref for recursive structures", key);
        const known = measured.get(child);
        if (known) {
          budget.nodes -= known.size;
          if (budget.nodes < 0) {
            fail(`YAML aliases expand the spec to more than ${MAX_ALIAS_NODES.toLocaleString("en-US")} nodes (svcgen's limit against alias bombs); use $ref for repeated parts`, key);
          }
          if (frames.length + known.height > MAX_DEPTH) fail(tooDeep(" once YAML aliases are expanded"), key);
          top.size += known.size;
          top.height = Math.max(top.height, known.height + 1);
          continue;
        }
      }
      if (frames.length >= MAX_DEPTH) {
        // A pointer hundreds of segments long helps nobody: JSON is located by its text (YAML stops at js-yaml's
        // maxDepth before it gets here, so only JSON nests this deep without aliases).
        const at = yaml ? undefined : jsonDepthCrossing(source.body);
        if (at) throw new LimitError(tooDeep(), source, at);
        fail(tooDeep(), key);
      }
      path.push(key);
      enter(child);
      continue;
    }
    frames.pop();
    if (shared) {
      open.delete(top.node);
      measured.set(top.node, { size: top.size, height: top.height });
    }
    const parent = frames[frames.length - 1];
    if (parent === undefined) break;
    path.pop();
    parent.size += top.size;
    parent.height = Math.max(parent.height, top.height + 1);
  }
  const chain = checkRefChains(parsed, refs);
  if (chain) {
    const pointer = toPointer([...chain.holder, "$ref"]);
    throw new LimitError(chain.message, source, { pointer, ...lineColumn(source, pointer) });
  }
}

/**
 * Where JSON text first opens its (MAX_DEPTH + 1)th nested array or object, 1-based; undefined if it never does.
 * Used to locate a too-deep JSON file, whose pointer would be hundreds of segments long.
 */
export function jsonDepthCrossing(text: string): { line: number; column: number } | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string; JSON strings cannot span lines.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22 || d === 0x0a) break;
      }
    } else if (c === 0x0a) {
      line++;
      lineStart = i + 1;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_DEPTH) return { line, column: i - lineStart + 1 };
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return undefined;
}
