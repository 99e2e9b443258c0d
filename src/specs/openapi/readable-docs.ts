// openapi-typescript prints spec descriptions as JSDoc in `types.ts`: it gets a copy of the document whose texts
// went through docText(), so the types read like the client methods.

import { docText } from "./doc-text.js";

/** Keys whose values are data, not documentation: their strings stay exactly as the spec wrote them. */
const DATA_KEYS = new Set(["example", "examples", "default", "const", "enum", "x-examples"]);

/**
 * A copy of an OpenAPI document whose `description` and `summary` texts are docText()'d (unchanged subtrees are
 * shared, so only what changes is copied). openapi-typescript prints these texts as JSDoc in `types.ts`.
 */
export function readableDocs<T>(doc: T): T {
  const seen = new Map<object, unknown>();
  const visit = (node: unknown): unknown => {
    if (node === null || typeof node !== "object") return node;
    const known = seen.get(node);
    // In progress (a cycle through YAML aliases) or done: the same answer, never a second walk.
    if (known !== undefined || seen.has(node)) return known ?? node;
    seen.set(node, node);
    let copy: unknown;
    if (Array.isArray(node)) {
      let arr: unknown[] | undefined;
      node.forEach((v: unknown, i) => {
        const next = visit(v);
        if (next !== v) (arr ??= [...(node as unknown[])])[i] = next;
      });
      copy = arr;
    } else {
      const obj = node as Record<string, unknown>;
      let out: Record<string, unknown> | undefined;
      for (const key of Object.keys(obj)) {
        const v = obj[key];
        let next: unknown = v;
        if ((key === "description" || key === "summary") && typeof v === "string") next = docText(v);
        else if (!DATA_KEYS.has(key)) next = visit(v);
        if (next !== v) (out ??= { ...obj })[key] = next;
      }
      copy = out;
    }
    const result = copy ?? node;
    seen.set(node, result);
    return result;
  };
  return visit(doc) as T;
}
