// `$ref`s inside one file that point at other `$ref`s. Redocly follows such a chain recursively from every link, with
// a linear check for cycles at each step: 1,000 schemas that each `$ref` the next take ~15 s, 5,000 exhaust the stack
// and never finish. Real specs chain two or three refs, so chains are capped at MAX_REF_HOPS, and pure cycles
// (A → B → A, which Redocly rejects without a location) are reported at the `$ref` that starts them.
import { isObject, own, unescapeToken } from "./pointer.js";

export const MAX_REF_HOPS = 32;

export interface LocalRef {
  /** Tokens of the object holding the `$ref`. */
  holder: string[];
  ref: string;
}

export type ChainProblem = { holder: string[]; message: string };

export function checkRefChains(doc: unknown, refs: readonly LocalRef[]): ChainProblem | undefined {
  // How many refs the chain starting at a ref has (itself included), for refs already followed.
  const lengths = new Map<string, number>();
  const tooLong = `$ref chain longer than ${MAX_REF_HOPS} hops (a $ref to a $ref to a $ref …); point the $ref at the definition itself`;
  for (const { holder, ref } of refs) {
    if (lengths.has(ref)) continue;
    const chain: string[] = [];
    let current: string | undefined = ref;
    let total = 0;
    while (current !== undefined) {
      const known = lengths.get(current);
      if (known !== undefined) {
        total = chain.length + known;
        break;
      }
      if (chain.includes(current)) {
        const cycle = [...chain.slice(chain.indexOf(current)), current].join(" → ");
        return { holder, message: `$ref cycle ${cycle} never reaches a definition` };
      }
      chain.push(current);
      if (chain.length > MAX_REF_HOPS) return { holder, message: tooLong };
      current = nextRef(doc, current);
      total = chain.length;
    }
    if (total > MAX_REF_HOPS) return { holder, message: tooLong };
    chain.forEach((link, k) => lengths.set(link, total - k));
  }
  return undefined;
}

/**
 * The local `$ref` that `ref` leads to next, as Redocly follows it: the target itself when it is a `$ref`, or a
 * `$ref` met on the way there (`#/a/b` where `#/a` is a `$ref`), continued with the remaining tokens.
 */
function nextRef(doc: unknown, ref: string): string | undefined {
  if (!ref.startsWith("#")) return undefined;
  const raw = ref === "#" || ref === "#/" ? [] : ref.slice(2).split("/");
  let node: unknown = doc;
  for (let i = 0; i < raw.length; i++) {
    let token: string;
    try {
      token = unescapeToken(decodeURIComponent(raw[i]!));
    } catch {
      return undefined;
    }
    if (isObject(node) && !Object.hasOwn(node, token)) {
      const via = own(node, "$ref");
      if (typeof via !== "string" || !via.startsWith("#")) return undefined;
      return `${via.replace(/\/$/, "")}/${raw.slice(i).join("/")}`;
    }
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (isObject(node)) {
      node = node[token];
    } else {
      return undefined;
    }
  }
  const target = isObject(node) ? own(node, "$ref") : undefined;
  return typeof target === "string" && target.startsWith("#") ? target : undefined;
}
