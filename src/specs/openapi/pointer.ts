// JSON pointers (RFC 6901) and local `$ref` resolution inside one bundled document.
// Every key read here is spec-controlled, so lookups check own properties only: `#/components/schemas/constructor`
// must not find Object.prototype.constructor.

/** Escapes one reference token: `~` → `~0`, `/` → `~1` (RFC 6901 §3). */
export function escapeToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function unescapeToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** `["paths", "/users/{id}", "get"]` → `#/paths/~1users~1{id}/get`. */
export function toPointer(tokens: readonly string[]): string {
  return tokens.length === 0 ? "#" : `#/${tokens.map(escapeToken).join("/")}`;
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Own property of a spec object, never an inherited one. */
export function own(obj: JsonObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Resolves a local `#/...` pointer; undefined for remote refs, missing targets or malformed pointers. */
export function getByPointer(doc: unknown, ref: string): unknown {
  if (ref === "#" || ref === "#/") return doc;
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split("/")) {
    let token: string;
    try {
      // Pointers in URI fragments may be percent-encoded (`#/paths/~1users~1%7Bid%7D`).
      token = unescapeToken(decodeURIComponent(raw));
    } catch {
      return undefined;
    }
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (isObject(node)) {
      node = own(node, token);
    } else {
      return undefined;
    }
    if (node === undefined) return undefined;
  }
  return node;
}

/**
 * Follows `$ref` chains to a non-ref node. Returns undefined on a missing target or a cycle of pure refs.
 * Siblings next to `$ref` are ignored (what OpenAPI 3.0 prescribes; in 3.1 only summary/description may differ).
 */
export function deref(doc: unknown, node: unknown): unknown {
  const seen = new Set<string>();
  let current = node;
  while (isObject(current) && typeof own(current, "$ref") === "string") {
    const ref = current["$ref"] as string;
    if (seen.has(ref)) return undefined;
    seen.add(ref);
    current = getByPointer(doc, ref);
  }
  return current;
}
