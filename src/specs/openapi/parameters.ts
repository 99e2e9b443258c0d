// Parameter Objects (OpenAPI 3.x §4.8.12): path-level merged with operation-level, defaults for style/explode.

import type { ParamStyle, ParameterModel } from "../../model/types.js";
import { deref, isObject, own, toPointer } from "./pointer.js";
import type { Report } from "./report.js";
import { schemaShape } from "./schema-shape.js";
import type { SchemaTyper } from "./types-source.js";

type ParamIn = ParameterModel["in"];
const LOCATIONS: readonly ParamIn[] = ["path", "query", "header", "cookie"];
const STYLES: readonly ParamStyle[] = [
  "form",
  "simple",
  "label",
  "matrix",
  "spaceDelimited",
  "pipeDelimited",
  "deepObject",
];

/** Parameter source: the raw list and the pointer tokens of that list. */
export interface ParameterList {
  list: unknown;
  tokens: readonly string[];
}

function defaultStyle(location: ParamIn): ParamStyle {
  return location === "query" || location === "cookie" ? "form" : "simple";
}

function toModel(
  doc: unknown,
  raw: unknown,
  tokens: readonly string[],
  typeOf: SchemaTyper,
  report: Report,
): ParameterModel | undefined {
  const param = deref(doc, raw);
  const pointer = toPointer(tokens);
  if (!isObject(param)) {
    report({ severity: "error", code: "openapi/invalid-parameter", message: "parameter is not an object", pointer });
    return undefined;
  }
  const name = own(param, "name");
  const location = own(param, "in");
  if (typeof name !== "string" || !LOCATIONS.includes(location as ParamIn)) {
    report({
      severity: "error",
      code: "openapi/invalid-parameter",
      message: "parameter needs a string `name` and `in` of path, query, header or cookie",
      pointer,
    });
    return undefined;
  }
  const where = location as ParamIn;
  const rawStyle = own(param, "style");
  let style = defaultStyle(where);
  if (rawStyle !== undefined) {
    if (STYLES.includes(rawStyle as ParamStyle)) style = rawStyle as ParamStyle;
    else {
      report({
        severity: "warning",
        code: "openapi/invalid-parameter-style",
        message: `unknown parameter style; using "${style}"`,
        pointer,
      });
    }
  }
  const rawExplode = own(param, "explode");
  // §4.8.12.4: explode defaults to true for style form, false for every other style.
  const explode = typeof rawExplode === "boolean" ? rawExplode : style === "form";
  // §4.8.12.3: a parameter has `schema` or `content`, a map with exactly one media type. With `content` the value is
  // that media type's serialisation of the schema (JSON text for application/json), sent as one value: styles do
  // not apply. openapi-typescript types such a parameter `string`, so its type text is taken from the schema here.
  let schema = own(param, "schema");
  let content: { contentType: string; schemaType: string } | undefined;
  const contentMap = deref(doc, own(param, "content"));
  if (schema === undefined && isObject(contentMap)) {
    const first = Object.keys(contentMap)[0];
    const media = first === undefined ? undefined : deref(doc, own(contentMap, first));
    if (first !== undefined && isObject(media)) {
      schema = own(media, "schema");
      const at = toPointer([...tokens, "content", first, "schema"]);
      content = { contentType: first, schemaType: schema === undefined ? "unknown" : typeOf(schema, at) };
    }
  }
  const description = own(param, "description");
  return {
    name,
    in: where,
    // §4.8.12.2: path parameters are always required.
    required: where === "path" || own(param, "required") === true,
    style,
    explode,
    shape: schemaShape(doc, schema),
    ...content,
    ...(typeof description === "string" ? { description } : {}),
    deprecated: own(param, "deprecated") === true,
  };
}

/** `{id}` names in template order, first occurrence only. */
export function templateNames(path: string): string[] {
  const names: string[] = [];
  for (const match of path.matchAll(/\{([^}]*)\}/g)) {
    const name = match[1] ?? "";
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

const IN_ORDER: Record<ParamIn, number> = { path: 0, query: 1, header: 2, cookie: 3 };

/**
 * Merges the lists in order (later wins for the same name + location), then sorts: path parameters in template
 * order, the rest by name, then location.
 */
export function collectParameters(
  doc: unknown,
  lists: readonly ParameterList[],
  path: string,
  opPointer: string,
  typeOf: SchemaTyper,
  report: Report,
): ParameterModel[] {
  const merged = new Map<string, ParameterModel>();
  for (const { list, tokens } of lists) {
    if (list === undefined) continue;
    const items = deref(doc, list);
    if (!Array.isArray(items)) {
      report({
        severity: "error",
        code: "openapi/invalid-parameter",
        message: "`parameters` is not an array",
        pointer: toPointer(tokens),
      });
      continue;
    }
    items.forEach((item, i) => {
      const model = toModel(doc, item, [...tokens, String(i)], typeOf, report);
      if (model) merged.set(`${model.in}\u0000${model.name}`, model);
    });
  }
  const template = templateNames(path);
  const params = [...merged.values()];
  for (const p of params) {
    if (p.in === "path" && !template.includes(p.name)) {
      report({
        severity: "warning",
        code: "openapi/path-param-unused",
        message: `path parameter "${p.name}" does not appear in the path template`,
        pointer: opPointer,
      });
    }
  }
  for (const name of template) {
    if (!params.some((p) => p.in === "path" && p.name === name)) {
      report({
        severity: "warning",
        code: "openapi/path-param-undeclared",
        message: `path template variable "{${name}}" has no path parameter`,
        pointer: opPointer,
      });
    }
  }
  const rank = (p: ParameterModel): number => {
    const at = p.in === "path" ? template.indexOf(p.name) : -1;
    return at === -1 ? Number.MAX_SAFE_INTEGER : at;
  };
  return params.sort((a, b) => {
    const aPath = a.in === "path" ? 0 : 1;
    const bPath = b.in === "path" ? 0 : 1;
    if (aPath !== bPath) return aPath - bPath;
    if (aPath === 0 && rank(a) !== rank(b)) return rank(a) - rank(b);
    if (a.name !== b.name) return a.name < b.name ? -1 : 1;
    return IN_ORDER[a.in] - IN_ORDER[b.in];
  });
}
