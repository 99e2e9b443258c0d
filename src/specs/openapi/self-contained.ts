// A spec in one file whose $refs all point into that file, bundled without Redocly's bundler. For such a document
// bundling reports nothing and changes little (an empty `components` added; a $ref where a scalar is expected, such
// as an Example's `value`, replaced by its target), yet costs two walks over every node (resolving each $ref, then
// visiting each node with the bundle visitor): over a second of the ~5 s GitHub's 13 MB spec takes. One lighter
// walk finds what Redocly's would change or report, following its rules (resolve.js for what is read, walk.js for
// where a $ref is visited, bundle.js's visitor for what happens there); whatever it is not sure of goes to Redocly,
// so the result is always what bundle() gives.
import type { Config, Document } from "@redocly/openapi-core";
import { SpecMajorVersion, detectSpec, getMajorSpecVersion, getTypes, normalizeTypes } from "@redocly/openapi-core";
import { createRequire } from "node:module";

interface NodeType {
  name: string;
  properties: Record<string, unknown>;
  additionalProperties?: unknown;
  items?: unknown;
  extensionsPrefix?: string;
}

type Resolved = { node: unknown } | "unresolved" | "unsure";

/** A $ref the bundler replaces by its target (bundle.js replaceRef), in the order its walk meets them. */
interface Replacement {
  ref: { $ref: string };
  parent: Record<string, unknown>;
  key: string;
  target: unknown;
}

/** What Redocly's walk uses for `x-` keys it has no type for; not exported from the package's entry. */
const SpecExtension = (createRequire(import.meta.url)("@redocly/openapi-core/lib/types") as { SpecExtension: NodeType }).SpecExtension;
const SCALAR: NodeType = { name: "scalar", properties: {} };
/** How deep a chain of $refs to $refs is followed here before leaving it to Redocly. */
const MAX_CHAIN = 32;
/** A discriminator mapping value the bundler keeps as it is (see checkMapping). */
const PLAIN_MAPPING = /^#\/components\/schemas\/([A-Za-z0-9._-]+)$/;

/**
 * The bundled document, if bundle() would only have added `components` to it: the parsed root itself, so the same
 * object bundle() returns. Undefined when Redocly must bundle (other files, a $ref it would report or rewrite).
 */
export function bundleInPlace(root: Document, config: Config): Record<string, unknown> | undefined {
  const doc = root.parsed as Record<string, unknown>;
  try {
    const version = detectSpec(doc);
    if (getMajorSpecVersion(version) !== SpecMajorVersion.OAS3 || !bundlerIsInert(config, version)) return undefined;
    const refs = new Map<string, Resolved>();
    const read = readsNothingElse(doc, refs);
    if (read === undefined) return undefined;
    const types = normalizeTypes(config.styleguide.extendTypes(getTypes(version), version), config.styleguide) as unknown as Record<string, NodeType>;
    const replacements = bundlerChanges(doc, types.Root!, refs, read.tree);
    if (replacements === undefined) return undefined;
    // Applied after the walk, so a document handed to Redocly is untouched; the same as during it, see bundlerChanges.
    for (const { ref, parent, key, target } of replacements) {
      if (typeof target !== "object" || target === null || Array.isArray(target)) parent[key] = target;
      else {
        delete (ref as Partial<typeof ref>).$ref;
        Object.assign(ref, Object.assign({}, target, ref));
      }
    }
  } catch {
    return undefined; // Whatever threw here, Redocly reports (or handles) in its own words.
  }
  // bundle.js's Root visitor (`root.components = root.components || {}`): where other files' components would go.
  if (!doc.components) doc.components = {};
  return doc;
}

/** No preprocessor or decorator is on: bundling then runs only the bundle visitor (bundle.js: initRules). */
function bundlerIsInert(config: Config, version: ReturnType<typeof detectSpec>): boolean {
  const styleguide = config.styleguide;
  for (const ruleset of styleguide.getRulesForSpecVersion(getMajorSpecVersion(version))) {
    for (const id of Object.keys(ruleset)) {
      if (styleguide.getPreprocessorSettings(id, version).severity !== "off") return false;
      if (styleguide.getDecoratorSettings(id, version).severity !== "off") return false;
    }
  }
  return true;
}

/**
 * Every `$ref` Redocly's resolver would follow points into this document and resolves without an exception, and no
 * Example names an `externalValue` (which it reads, and the bundler inlines). The resolver follows refs almost
 * everywhere, examples and extensions included, so every object is checked. `tree`: no object is reached twice
 * (JSON; YAML aliases share objects).
 */
function readsNothingElse(doc: unknown, refs: Map<string, Resolved>): { tree: boolean } | undefined {
  const seen = new Set<object>();
  const stack: unknown[] = [doc];
  let tree = true;
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== "object" || node === null) continue;
    if (seen.has(node)) {
      tree = false;
      continue;
    }
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) if (typeof item === "object") stack.push(item);
      continue;
    }
    const record = node as Record<string, unknown>;
    const ref = record.$ref;
    if (typeof ref === "string" && resolveRef(doc, ref, refs) === "unsure") return undefined;
    if (typeof record.externalValue === "string") return undefined;
    for (const key in record) {
      const value = record[key];
      if (typeof value === "object" && value !== null) stack.push(value);
    }
  }
  return { tree };
}

/**
 * The bundler's walk (walk.js walkNode) over the typed tree: the $refs it would replace, in its order, or undefined
 * when it would report something (an unresolved $ref) or rewrite a discriminator mapping. It replaces a $ref where a
 * scalar is expected, in place, as it goes; deferring that changes nothing as long as the walk cannot meet a replaced
 * node again: in a tree (no shared objects), when the object holding it is walked once.
 */
function bundlerChanges(doc: unknown, rootType: NodeType, refs: Map<string, Resolved>, tree: boolean): Replacement[] | undefined {
  const seenPerType = new Map<string, Set<unknown>>();
  const replacements: Replacement[] = [];
  let clean = true;
  const walk = (node: unknown, type: NodeType, parent?: Record<string, unknown>, key?: string): void => {
    if (!clean) return;
    let target = node;
    if (isRef(node)) {
      const resolved = resolveRef(doc, node.$ref, refs);
      if (typeof resolved !== "object") {
        clean = false; // reported as unresolved
        return;
      }
      if (type.name === "scalar") {
        if (!tree || parent === undefined || key === undefined) clean = false;
        else replacements.push({ ref: node, parent, key, target: resolved.node });
        return;
      }
      target = resolved.node;
    }
    if (target === undefined || type.name === "scalar") return;
    let seen = seenPerType.get(type.name);
    if (seen === undefined) seenPerType.set(type.name, (seen = new Set()));
    if (seen.has(target)) return;
    seen.add(target);
    if (type.name === "DiscriminatorMapping" && !checkMapping(doc, target)) {
      clean = false;
      return;
    }
    if (Array.isArray(target)) {
      const items = type.items;
      if (items === undefined) return;
      target.forEach((item: unknown) => {
        const itemType = typeof items === "function" ? (items as (v: unknown, at?: string) => unknown)(item) : items;
        if (isNamedType(itemType)) walk(item, itemType);
      });
      return;
    }
    if (typeof target !== "object" || target === null) return;
    const resolvedNode = target as Record<string, unknown>;
    const sibling = isRef(node) ? (node as Record<string, unknown>) : undefined;
    // walk.js's order: every property the type declares (those without a value skipped), then the node's other keys
    // (or all its extensions, declared or not), then keys next to a $ref not listed yet (walked with the target's
    // type). Here only the keys the node has, put in the type's order.
    const declared = declaredOrder(type);
    const props = Object.keys(resolvedNode).filter((k) => declared.has(k));
    if (sibling) for (const k of Object.keys(sibling)) if (declared.has(k) && !Object.hasOwn(resolvedNode, k)) props.push(k);
    if (props.length > 1) props.sort((a, b) => declared.get(a)! - declared.get(b)!);
    const listed = sibling ? new Set(props) : undefined;
    const extra = type.additionalProperties
      ? Object.keys(resolvedNode).filter((k) => !declared.has(k))
      : type.extensionsPrefix
        ? Object.keys(resolvedNode).filter((k) => k.startsWith(type.extensionsPrefix!))
        : [];
    for (const k of extra) {
      props.push(k);
      listed?.add(k);
    }
    if (sibling) for (const k of Object.keys(sibling)) if (k !== "$ref" && !declared.has(k) && !listed!.has(k)) props.push(k);
    for (const propName of props) {
      let value = resolvedNode[propName];
      if (value === undefined && sibling) value = sibling[propName];
      if (value === undefined) continue;
      let propType: unknown = type.properties[propName];
      if (propType === undefined) propType = type.additionalProperties;
      if (typeof propType === "function") propType = (propType as (v: unknown, key: string) => unknown)(value, propName);
      if (propType === undefined && type.extensionsPrefix && propName.startsWith(type.extensionsPrefix)) propType = SpecExtension;
      const direct = (propType as { directResolveAs?: unknown } | undefined)?.directResolveAs;
      if (!isNamedType(propType) && direct !== undefined) {
        propType = direct;
        value = { $ref: value };
      }
      if (propType && (propType as { name?: unknown }).name === undefined && (propType as { resolvable?: unknown }).resolvable !== false) {
        propType = SCALAR;
      }
      if (!isNamedType(propType) || (propType.name === "scalar" && !isRef(value))) continue;
      walk(value, propType, resolvedNode, propName);
    }
  };
  walk(doc, rootType);
  if (!clean) return undefined;
  const seenSets = [...seenPerType.values()];
  const walkedOnce = (node: unknown): boolean => seenSets.filter((seen) => seen.has(node)).length === 1;
  return replacements.every(({ parent }) => walkedOnce(parent)) ? replacements : undefined;
}

const declaredOrders = new WeakMap<NodeType, Map<string, number>>();

/** A type's declared properties with their position, which is the order walk.js visits them in. */
function declaredOrder(type: NodeType): Map<string, number> {
  let order = declaredOrders.get(type);
  if (order === undefined) {
    order = new Map(Object.keys(type.properties).map((key, i) => [key, i]));
    declaredOrders.set(type, order);
  }
  return order;
}

/**
 * The bundle visitor re-saves each mapping target as a component and writes back its name: the same text only for
 * `#/components/schemas/<Name>` naming a schema that is not itself a $ref (a chain would be renamed to its end).
 */
function checkMapping(doc: unknown, mapping: unknown): boolean {
  if (typeof mapping !== "object" || mapping === null || Array.isArray(mapping)) return false;
  const schemas = own(own(doc, "components"), "schemas");
  return Object.values(mapping).every((value) => {
    const name = typeof value === "string" ? PLAIN_MAPPING.exec(value)?.[1] : undefined;
    const schema = name === undefined ? undefined : own(schemas, name);
    return typeof schema === "object" && schema !== null && !isRef(schema);
  });
}

/**
 * A local `$ref` as resolve.js's followRef resolves it: segments unescaped and URI-decoded, $ref chains followed to
 * their end. "unsure" for whatever Redocly might resolve differently or throw on: another file, an anchor, a $ref in
 * the middle of a path, a long chain, an inherited property.
 */
function resolveRef(doc: unknown, ref: string, known: Map<string, Resolved>, depth = 0): Resolved {
  const cached = known.get(ref);
  if (cached !== undefined) return cached;
  let result: Resolved;
  if (!ref.startsWith("#/") || depth > MAX_CHAIN) result = "unsure";
  else {
    let target: unknown = doc;
    result = { node: undefined };
    for (const raw of ref.slice(2).split("/")) {
      let segment: string;
      try {
        segment = decodeURIComponent(raw.replace(/~1/g, "/").replace(/~0/g, "~"));
      } catch {
        result = "unsure"; // followRef would throw
        break;
      }
      if (segment === "") continue;
      if (typeof target !== "object") {
        result = "unresolved";
        break;
      }
      // Through null followRef throws; through a $ref it follows that one first.
      if (target === null || isRef(target)) {
        result = "unsure";
        break;
      }
      if (!Object.hasOwn(target, segment)) {
        result = segment in target ? "unsure" : "unresolved";
        break;
      }
      target = (target as Record<string, unknown>)[segment];
    }
    if (typeof result === "object") result = isRef(target) ? resolveRef(doc, target.$ref, known, depth + 1) : { node: target };
  }
  known.set(ref, result);
  return result;
}

function isRef(node: unknown): node is { $ref: string } {
  return typeof node === "object" && node !== null && !Array.isArray(node) && typeof (node as { $ref?: unknown }).$ref === "string";
}

function isNamedType(type: unknown): type is NodeType {
  return typeof (type as { name?: unknown } | undefined)?.name === "string";
}

function own(node: unknown, key: string): unknown {
  return typeof node === "object" && node !== null && Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
}
