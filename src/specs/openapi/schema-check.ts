// The Schema Object shapes openapi-typescript relies on without checking (JSON Schema 2020-12 §10, OpenAPI 3.x
// §4.8.24). It calls `required.includes(...)`, iterates `allOf`, reads `"$ref" in item`: `required: 5` or a null
// property schema end in "schemaObject.required?.includes is not a function" with no location. This walks the same
// places openapi-typescript transforms and reports each bad keyword at its pointer first. Shapes it merely ignores
// (`required: true` on a leaf, a legacy Swagger habit) are warnings, so specs that generate today still do.

import { isObject, own, toPointer } from "./pointer.js";
import type { Report } from "./report.js";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

type Tokens = readonly string[];

export function checkSchemas(doc: unknown, report: Report): void {
  if (!isObject(doc)) return;
  const seen = new Set<object>();
  const bad = (tokens: Tokens, message: string, severity: "error" | "warning" = "error"): void =>
    report({ severity, code: "openapi/invalid-schema", message, pointer: toPointer(tokens) });

  /** Calls `visit` for every value of an object-valued `key` of `node`. */
  const each = (node: unknown, key: string, tokens: Tokens, visit: (value: unknown, tokens: Tokens) => void): void => {
    const map = isObject(node) ? own(node, key) : undefined;
    if (!isObject(map)) return;
    for (const name of Object.keys(map)) visit(map[name], [...tokens, key, name]);
  };
  const plain = (node: unknown): node is Record<string, unknown> => isObject(node) && own(node, "$ref") === undefined;

  const mediaType = (node: unknown, tokens: Tokens): void => {
    if (plain(node) && own(node, "schema")) schema(own(node, "schema"), [...tokens, "schema"]);
  };
  const parameterOrHeader = (node: unknown, tokens: Tokens): void => {
    if (!plain(node)) return;
    if (own(node, "schema")) schema(own(node, "schema"), [...tokens, "schema"]);
    each(node, "content", tokens, mediaType);
  };
  const requestBody = (node: unknown, tokens: Tokens): void => each(node, "content", tokens, mediaType);
  const response = (node: unknown, tokens: Tokens): void => {
    if (!plain(node)) return;
    each(node, "headers", tokens, parameterOrHeader);
    each(node, "content", tokens, mediaType);
  };
  const parameters = (node: unknown, tokens: Tokens): void => {
    const list = isObject(node) ? own(node, "parameters") : undefined;
    if (Array.isArray(list)) list.forEach((p, i) => parameterOrHeader(p, [...tokens, "parameters", String(i)]));
  };
  const pathItem = (node: unknown, tokens: Tokens): void => {
    if (!plain(node)) return;
    parameters(node, tokens);
    for (const method of METHODS) {
      const op = own(node, method);
      if (!isObject(op)) continue;
      const at = [...tokens, method];
      parameters(op, at);
      if (plain(own(op, "requestBody"))) requestBody(own(op, "requestBody"), [...at, "requestBody"]);
      each(op, "responses", at, response);
    }
  };

  /** `booleans`: whether `true`/`false` (3.1 boolean schemas) and null are accepted here. */
  const schema = (node: unknown, tokens: Tokens, booleans = true): void => {
    if (node === undefined || (booleans && (node === null || typeof node === "boolean"))) return;
    if (!isObject(node)) {
      bad(tokens, `a schema must be an object${booleans ? " (or a boolean)" : ""}, not ${describe(node)}`);
      return;
    }
    if (seen.has(node)) return;
    seen.add(node);
    const ref = own(node, "$ref");
    if (ref !== undefined) {
      // openapi-typescript uses a `$ref` alone and ignores its siblings.
      if (typeof ref !== "string") bad([...tokens, "$ref"], `$ref must be a string, not ${describe(ref)}`);
      return;
    }
    const key = (name: string): string[] => [...tokens, name];
    const properties = own(node, "properties");
    const allOf = own(node, "allOf");
    const required = own(node, "required");
    if (required !== undefined && required !== null) {
      if (!Array.isArray(required)) {
        // Read only for `properties` and `allOf` members; elsewhere openapi-typescript never looks at it.
        const used = (isObject(properties) && Object.keys(properties).length > 0) || (Array.isArray(allOf) && allOf.length > 0);
        bad(key("required"), `required must be an array of property names, not ${describe(required)}${used ? "" : " (ignored)"}`, used ? "error" : "warning");
      } else {
        required.forEach((name, i) => {
          if (typeof name !== "string") bad([...tokens, "required", String(i)], `required lists property names, not ${describe(name)} (ignored)`, "warning");
        });
      }
    }
    for (const map of ["properties", "patternProperties", "$defs"]) {
      const value = own(node, map);
      if (value === undefined || value === null || value === false) continue;
      if (!isObject(value)) {
        bad(key(map), `${map} must be an object mapping names to schemas, not ${describe(value)}`);
        continue;
      }
      // openapi-typescript reads `"$ref" in v` on these without a null check; $defs members cannot even be booleans.
      for (const name of Object.keys(value)) {
        const member = value[name];
        const at = [...tokens, map, name];
        if (member === null || (map === "$defs" && typeof member === "boolean")) bad(at, `a schema must be an object${map === "$defs" ? "" : " (or a boolean)"}, not ${describe(member)}`);
        else schema(member, at);
      }
    }
    const additional = own(node, "additionalProperties");
    if (isObject(additional)) schema(additional, key("additionalProperties"));
    const items = own(node, "items");
    if (Array.isArray(items)) items.forEach((item, i) => schema(item, [...tokens, "items", String(i)]));
    else if (items) schema(items, key("items"));
    for (const list of ["prefixItems", "allOf", "anyOf", "oneOf"]) {
      const value = own(node, list);
      if (value === undefined || value === null || value === false) continue;
      if (!Array.isArray(value)) {
        bad(key(list), `${list} must be an array of schemas, not ${describe(value)}`);
        continue;
      }
      // allOf members are read with `"$ref" in item`: nothing but objects.
      value.forEach((member, i) => schema(member, [...tokens, list, String(i)], list !== "allOf"));
    }
    const values = own(node, "enum");
    if (values !== undefined && values !== null && !Array.isArray(values)) bad(key("enum"), `enum must be an array of values, not ${describe(values)}`);
    if (own(node, "type") === "object" && Array.isArray(values) && !own(node, "oneOf")) {
      // openapi-typescript reads an object schema's enum as a list of schemas (its oneOf fallback).
      values.forEach((v, i) => {
        if (!isObject(v)) bad([...tokens, "enum", String(i)], `an enum of a "type: object" schema must list objects, not ${describe(v)}`);
      });
    }
  };

  each(doc, "paths", [], pathItem);
  each(doc, "webhooks", [], pathItem);
  each(doc, "$defs", [], (s, t) => schema(s, t));
  const components = own(doc, "components");
  each(components, "schemas", ["components"], (s, t) => schema(s, t));
  each(components, "responses", ["components"], response);
  each(components, "parameters", ["components"], parameterOrHeader);
  each(components, "requestBodies", ["components"], requestBody);
  each(components, "headers", ["components"], parameterOrHeader);
  each(components, "pathItems", ["components"], pathItem);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `the ${typeof value} ${String(value)}`;
}
