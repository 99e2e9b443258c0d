// protobufjs's Root → one plain tree per file (nodes.ts) (messages, enums, services) with every type reference resolved, in the
// order protoc would write the file's descriptor. Problems protoc would reject (unknown types, types from files that
// are not imported, clashing JSON names) are collected with their positions.
import protobuf from "protobufjs";
import type { Diagnostic, ProtoScalar, ProtoValueType, SourceLocation } from "../../model/types.js";
import type { LoadedFile } from "./load.js";
import type { EnumNode, FieldNode, FileNode, MessageNode, MethodNode, OneofNode, ServiceNode } from "./nodes.js";
import { declarationToken, fieldTokens, tokenAfter } from "./locate.js";
import { protoCamelCase, safeObjectProperty } from "./names.js";

const SCALARS = new Set<string>([
  "double",
  "float",
  "int64",
  "uint64",
  "int32",
  "fixed64",
  "fixed32",
  "bool",
  "string",
  "bytes",
  "uint32",
  "sfixed32",
  "sfixed64",
  "sint32",
  "sint64",
]);

const IDEMPOTENCY: Record<string, 0 | 1 | 2> = { IDEMPOTENCY_UNKNOWN: 0, NO_SIDE_EFFECTS: 1, IDEMPOTENT: 2 };
const JSTYPE: Record<string, number> = { JS_NORMAL: 0, JS_STRING: 1, JS_NUMBER: 2 };

export function walkFiles(root: protobuf.Root, files: readonly LoadedFile[]): { nodes: FileNode[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const byName = new Map(files.map((f) => [f.name, f]));
  const visible = new Map<string, Set<string>>();
  const visibleFrom = (file: LoadedFile): Set<string> => {
    let set = visible.get(file.name);
    if (set) return set;
    set = new Set([file.name]);
    // Direct imports, and whatever those re-export with `import public`, transitively.
    const addPublic = (name: string): void => {
      if (set!.has(name)) return;
      set!.add(name);
      for (const imp of byName.get(name)?.imports ?? []) if (imp.public) addPublic(imp.name);
    };
    for (const imp of file.imports) {
      set.delete(imp.name);
      addPublic(imp.name);
    }
    visible.set(file.name, set);
    return set;
  };

  const nodes: FileNode[] = [];
  for (const file of files) {
    if (file.wellKnown) continue;
    const at = (token: { line: number; column: number } | undefined): SourceLocation =>
      token ? { file: file.shown, line: token.line, column: token.column } : { file: file.shown, line: 1, column: 1 };
    const error = (message: string, location: SourceLocation): void => {
      diagnostics.push({ severity: "error", code: "proto/invalid", message, location });
    };
    const pkg = file.package === "" ? root : (root.lookup(file.package) as protobuf.Namespace | null);
    const top = pkg ? pkg.nestedArray.filter((o) => o.filename === file.name) : [];

    const resolve = (from: protobuf.ReflectionObject, ref: string, where: SourceLocation): { kind: "enum" | "message"; ref: string } | undefined => {
      const parent = (from instanceof protobuf.Field ? from.parent : from) as protobuf.Namespace | null;
      const found = parent?.lookup(ref, [protobuf.Type, protobuf.Enum]);
      if (!found) {
        error(`unknown type ${JSON.stringify(ref)}`, where);
        return undefined;
      }
      const name = found.fullName.replace(/^\./, "");
      const owner = found.filename ?? "";
      if (!visibleFrom(file).has(owner)) {
        error(`${JSON.stringify(name)} is defined in ${owner}, which ${file.name} does not import`, where);
        return undefined;
      }
      return { kind: found instanceof protobuf.Enum ? "enum" : "message", ref: name };
    };

    const enumNode = (e: protobuf.Enum, path: number[]): EnumNode => {
      const values = Object.keys(e.values).map((name) => ({
        name,
        number: e.values[name]!,
        deprecated: e.valuesOptions?.[name]?.deprecated === true,
        ...(e.comments[name] ? { comment: e.comments[name]! } : {}),
      }));
      const location = at(declarationToken(file.tokens, "enum", e.name));
      if (file.syntax === "proto3" && values[0]?.number !== 0) {
        error(`the first value of proto3 enum ${e.name} must be 0`, location);
      }
      if (values.length === 0) error(`enum ${e.name} has no values`, location);
      return {
        name: e.name,
        fullName: e.fullName.replace(/^\./, ""),
        path,
        values,
        allowAlias: e.options?.allow_alias === true,
        deprecated: e.options?.deprecated === true,
        ...(e.comment ? { comment: e.comment } : {}),
        location,
      };
    };

    const messageNode = (type: protobuf.Type, path: number[]): MessageNode => {
      const location = at(declarationToken(file.tokens, "message", type.name));
      const own = type.fieldsArray.filter((f) => !f.declaringField && f.extend === undefined);
      const userOneofs = type.oneofsArray.filter((o) => !o.fieldsArray.some((f) => f.options?.proto3_optional === true));
      const oneofs: OneofNode[] = userOneofs.map((o) => ({ name: o.name, synthetic: false, ...(o.comment ? { comment: o.comment } : {}) }));
      const fields: FieldNode[] = [];
      const mapEntries: MessageNode["mapEntries"] = [];
      const localNames = new Map<string, string>();
      for (const f of own) {
        const token = fieldTokens(file.tokens, f.name, f.id, f.type);
        const where = at(token ?? fieldTokens(file.tokens, f.name, f.id));
        const proto3Optional = f.options?.proto3_optional === true;
        const value: ProtoValueType | undefined = SCALARS.has(f.type)
          ? { kind: "scalar", scalar: f.type as ProtoScalar, longAsString: f.options?.jstype === "JS_STRING" && /64$/.test(f.type) }
          : resolve(f, f.type, where);
        if (value === undefined) continue;
        const isMap = f instanceof protobuf.MapField;
        let oneofIndex: number | undefined;
        if (f.partOf) {
          if (proto3Optional) {
            oneofIndex = oneofs.length;
            oneofs.push({ name: f.partOf.name, synthetic: true });
          } else {
            oneofIndex = userOneofs.indexOf(f.partOf);
          }
        }
        const node: FieldNode = {
          name: f.name,
          localName: f.partOf && !proto3Optional ? protoCamelCase(f.name) : safeObjectProperty(protoCamelCase(f.name)),
          number: f.id,
          label: isMap || f.rule === "repeated" ? "repeated" : f.rule === "required" ? "required" : "optional",
          cardinality: isMap ? "map" : f.rule === "repeated" ? "repeated" : proto3Optional ? "optional" : "singular",
          type: value,
          ...(oneofIndex !== undefined && oneofIndex >= 0 ? { oneofIndex } : {}),
          proto3Optional,
          deprecated: f.options?.deprecated === true,
          ...(f.comment ? { comment: f.comment } : {}),
        };
        if (isMap) node.mapKey = (f as protobuf.MapField).keyType as ProtoScalar;
        const jsonName = f.options?.json_name;
        if (typeof jsonName === "string") node.jsonName = jsonName;
        if (f.options?.packed !== undefined) node.packed = f.options.packed === true;
        const jstype = f.options?.jstype;
        if (typeof jstype === "string" && JSTYPE[jstype] !== undefined) node.jstype = JSTYPE[jstype];
        const def = f.options?.default;
        if (def !== undefined) node.defaultValue = defaultText(def);
        if (isMap) {
          const entryValue: FieldNode = { name: "value", localName: "value", number: 2, label: "optional", cardinality: "singular", type: value, proto3Optional: false, deprecated: false };
          mapEntries.push({ name: mapEntryName(f.name), key: node.mapKey!, value: entryValue });
        }
        // A oneof member is a `case` name, not a property: only fields outside oneofs can clash.
        const clash = localNames.get(node.localName);
        if (clash !== undefined && !(f.partOf && !proto3Optional)) {
          error(`fields ${JSON.stringify(clash)} and ${JSON.stringify(f.name)} of ${typeName(type)} both become the property ${JSON.stringify(node.localName)}; rename one`, where);
        }
        if (!(f.partOf && !proto3Optional)) localNames.set(node.localName, f.name);
        fields.push(node);
      }
      for (const o of userOneofs) {
        const local = safeObjectProperty(protoCamelCase(o.name));
        const clash = localNames.get(local);
        if (clash !== undefined) {
          error(`oneof ${JSON.stringify(o.name)} and field ${JSON.stringify(clash)} of ${typeName(type)} both become the property ${JSON.stringify(local)}; rename one`, at(declarationToken(file.tokens, "oneof", o.name)));
        }
        localNames.set(local, o.name);
      }
      const nestedTypes = type.nestedArray.filter((o): o is protobuf.Type => o instanceof protobuf.Type);
      const nested = nestedTypes.map((t, i) => messageNode(t, [...path, i]));
      for (const entry of mapEntries) {
        if (nestedTypes.some((t) => t.name === entry.name)) {
          error(`map field's entry type ${entry.name} clashes with the nested message ${entry.name} in ${typeName(type)}`, location);
        }
      }
      const enums = type.nestedArray.filter((o): o is protobuf.Enum => o instanceof protobuf.Enum).map((e, i) => enumNode(e, [...path, i]));
      return {
        name: type.name,
        fullName: typeName(type),
        path,
        fields,
        oneofs,
        nested,
        enums,
        mapEntries,
        deprecated: type.options?.deprecated === true,
        ...(type.comment ? { comment: type.comment } : {}),
        location,
      };
    };

    const serviceNode = (s: protobuf.Service): ServiceNode => {
      const methods: MethodNode[] = [];
      for (const m of s.methodsArray) {
        const location = at(tokenAfter(file.tokens, ["rpc", m.name], m.name));
        const input = resolve(s, m.requestType, at(tokenAfter(file.tokens, ["rpc", m.name], m.requestType)));
        const output = resolve(s, m.responseType, at(tokenAfter(file.tokens, ["rpc", m.name], m.responseType)));
        for (const [io, ref] of [[input, m.requestType], [output, m.responseType]] as const) {
          if (io?.kind === "enum") error(`${JSON.stringify(ref)} is an enum; rpc ${m.name} needs a message type`, location);
        }
        if (input?.kind !== "message" || output?.kind !== "message") continue;
        const level = m.options?.idempotency_level;
        methods.push({
          name: m.name,
          kind: m.requestStream ? (m.responseStream ? "bidi_streaming" : "client_streaming") : m.responseStream ? "server_streaming" : "unary",
          input: input.ref,
          output: output.ref,
          idempotency: typeof level === "string" ? (IDEMPOTENCY[level] ?? 0) : 0,
          deprecated: m.options?.deprecated === true,
          ...(m.comment ? { comment: m.comment } : {}),
          location,
        });
      }
      return {
        name: s.name,
        fullName: s.fullName.replace(/^\./, ""),
        methods,
        deprecated: s.options?.deprecated === true,
        ...(s.comment ? { comment: s.comment } : {}),
        location: at(declarationToken(file.tokens, "service", s.name)),
      };
    };

    const topTypes = top.filter((o): o is protobuf.Type => o instanceof protobuf.Type);
    nodes.push({
      file,
      messages: topTypes.map((t, i) => messageNode(t, [i])),
      enums: top.filter((o): o is protobuf.Enum => o instanceof protobuf.Enum).map((e, i) => enumNode(e, [i])),
      services: top.filter((o): o is protobuf.Service => o instanceof protobuf.Service).map(serviceNode),
    });
  }
  return { nodes, diagnostics };
}

function typeName(t: protobuf.ReflectionObject): string {
  return t.fullName.replace(/^\./, "");
}

/** protoc's name for a map field's entry message: `user_ids` → `UserIdsEntry`. */
export function mapEntryName(field: string): string {
  let out = "";
  let upper = true;
  for (const c of field) {
    if (c === "_") {
      upper = true;
      continue;
    }
    out += upper ? c.toUpperCase() : c;
    upper = false;
  }
  return `${out}Entry`;
}

/** A proto2 `[default = ...]` as FieldDescriptorProto.default_value text. */
function defaultText(value: unknown): string {
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "nan";
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
    return String(value);
  }
  return String(value);
}
