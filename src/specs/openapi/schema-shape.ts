// Coarse shape of a parameter schema (primitive / array / object), which decides how it is serialised.

import { deref, isObject, own } from "./pointer.js";

export type Shape = "primitive" | "array" | "object";

function typesOf(schema: Record<string, unknown>): string[] {
  const type = own(schema, "type");
  // 3.1 allows `type: ["array", "null"]`; 3.0 has one string (nullability lives in `nullable`).
  if (typeof type === "string") return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === "string");
  return [];
}

/**
 * Follows `$ref`s and looks through allOf/oneOf/anyOf: an array anywhere wins, then an object, else primitive.
 * `seen` guards circular schemas.
 */
export function schemaShape(doc: unknown, schema: unknown, seen: Set<unknown> = new Set()): Shape {
  const node = deref(doc, schema);
  if (!isObject(node) || seen.has(node)) return "primitive";
  seen.add(node);
  const types = typesOf(node);
  if (types.includes("array") || own(node, "items") !== undefined) return "array";
  let shape: Shape =
    types.includes("object") || isObject(own(node, "properties")) || own(node, "additionalProperties") !== undefined
      ? "object"
      : "primitive";
  for (const key of ["allOf", "oneOf", "anyOf"]) {
    const members = own(node, key);
    if (!Array.isArray(members)) continue;
    for (const member of members) {
      const memberShape = schemaShape(doc, member, seen);
      if (memberShape === "array") return "array";
      if (memberShape === "object") shape = "object";
    }
  }
  return shape;
}
