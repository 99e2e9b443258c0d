// `<out>/clients/<key>/grpc.ts`: the service's protobuf types in protobuf-es (codegenv2) form: each file's descriptor
// embedded as base64 and hydrated by `fileDesc()`, a `Message<...>` type and a `GenMessage` schema per message, a
// TypeScript enum and a `GenEnum` per enum, a `GenService` per service. Types follow what @bufbuild/protobuf produces
// at runtime (bigint for 64-bit integers, unboxed wrappers, JsonObject for Struct, oneofs as `{ case, value }`).
// Proto text only reaches the output as JSDoc (escaped by jsdoc()) or string literals (str()); names come from
// proto-names.ts.
import type { ProtoEnumModel, ProtoFieldModel, ProtoFileModel, ProtoMessageModel, ProtoModel, ProtoScalar } from "../../model/types.js";
import { isReserved } from "../../model/names.js";
import type { ImportSet } from "./imports.js";
import { jsdoc, str } from "./literal.js";
import { type ProtoNames, WKT, typeNames } from "./proto-names.js";

const PROTOBUF = "@bufbuild/protobuf";
const CODEGEN = "@bufbuild/protobuf/codegenv2";
const WKT_MODULE = "@bufbuild/protobuf/wkt";

const SCALAR_TS: Record<ProtoScalar, string> = {
  double: "number",
  float: "number",
  int32: "number",
  uint32: "number",
  sint32: "number",
  fixed32: "number",
  sfixed32: "number",
  int64: "bigint",
  uint64: "bigint",
  sint64: "bigint",
  fixed64: "bigint",
  sfixed64: "bigint",
  bool: "boolean",
  string: "string",
  bytes: "Uint8Array",
};

/** Singular fields of these types hold the wrapped scalar (outside oneofs). */
const WRAPPERS: Record<string, ProtoScalar> = {
  "google.protobuf.DoubleValue": "double",
  "google.protobuf.FloatValue": "float",
  "google.protobuf.Int64Value": "int64",
  "google.protobuf.UInt64Value": "uint64",
  "google.protobuf.Int32Value": "int32",
  "google.protobuf.UInt32Value": "uint32",
  "google.protobuf.BoolValue": "bool",
  "google.protobuf.StringValue": "string",
  "google.protobuf.BytesValue": "bytes",
};

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property key: bare when it is an identifier, quoted otherwise. */
function prop(name: string): string {
  return IDENTIFIER.test(name) ? name : str(name);
}

export function protoTypesFile(proto: ProtoModel, names: ProtoNames, imports: ImportSet): string {
  const usesWkt = proto.descriptors.some((f) => f.wellKnown !== undefined);
  if (usesWkt) imports.namespace(WKT_MODULE, WKT);
  let body = "";
  for (const file of proto.descriptors) {
    if (file.wellKnown !== undefined) continue;
    body += fileSection(file, names, imports);
  }
  for (const service of proto.services) {
    const GenService = imports.type(CODEGEN, "GenService");
    const serviceDesc = imports.value(CODEGEN, "serviceDesc");
    const members = service.methods.map((m) => {
      const input = typeNames(names, m.input, "message").schema;
      const output = typeNames(names, m.output, "message").schema;
      return `  ${prop(m.localName)}: { methodKind: ${str(m.kind)}; input: typeof ${input}; output: typeof ${output} };\n`;
    });
    body += `\n${jsdoc([service.comment, `\`${service.fullName}\` (${service.file})`, service.deprecated ? "@deprecated" : undefined])}`;
    body += `export const ${names.services.get(service.fullName)!}: ${GenService}<{\n${members.join("")}}> = /*@__PURE__*/ ${serviceDesc}(${names.files.get(service.file)!}, ${service.index});\n`;
  }
  return body;
}

function fileSection(file: ProtoFileModel, names: ProtoNames, imports: ImportSet): string {
  const GenFile = imports.type(CODEGEN, "GenFile");
  const fileDesc = imports.value(CODEGEN, "fileDesc");
  const fileConst = names.files.get(file.name)!;
  const deps = file.dependencies.map((d) => names.files.get(d)!);
  let out = `\n${jsdoc([`The file \`${file.name}\`.`])}`;
  out += `export const ${fileConst}: ${GenFile} = /*@__PURE__*/ ${fileDesc}(${str(file.descriptor)}${deps.length > 0 ? `, [${deps.join(", ")}]` : ""});\n`;
  for (const m of file.messages) out += messageSection(m, fileConst, names, imports);
  for (const e of file.enums) out += enumSection(e, fileConst, names, imports);
  return out;
}

function messageSection(m: ProtoMessageModel, fileConst: string, names: ProtoNames, imports: ImportSet): string {
  const Message = imports.type(PROTOBUF, "Message");
  const GenMessage = imports.type(CODEGEN, "GenMessage");
  const messageDesc = imports.value(CODEGEN, "messageDesc");
  const own = names.types.get(m.fullName)!;
  const members: string[] = [];
  const doneOneofs = new Set<string>();
  for (const f of m.fields) {
    if (f.oneof !== undefined) {
      if (doneOneofs.has(f.oneof)) continue;
      doneOneofs.add(f.oneof);
      const oneof = m.oneofs.find((o) => o.localName === f.oneof)!;
      const cases = m.fields
        .filter((x) => x.oneof === f.oneof)
        .map((x) => `    | {\n${jsdoc([x.comment, x.deprecated ? "@deprecated" : undefined], "        ")}        value: ${valueType(x, names, imports, true)};\n        case: ${str(x.localName)};\n      }`);
      cases.push("    | { case: undefined; value?: undefined }");
      members.push(`${jsdoc([oneof.comment, `oneof \`${oneof.name}\``], "  ")}  ${prop(oneof.localName)}:\n${cases.join("\n")};\n`);
      continue;
    }
    members.push(`${jsdoc([f.comment, `\`${f.name} = ${f.number}\``, f.deprecated ? "@deprecated" : undefined], "  ")}  ${prop(f.localName)}${optional(f) ? "?" : ""}: ${fieldType(f, names, imports)};\n`);
  }
  let out = `\n${jsdoc([m.comment, `\`${m.fullName}\``, m.deprecated ? "@deprecated" : undefined])}`;
  out += `export type ${own.type} = ${Message}<${str(m.fullName)}> & {${members.length > 0 ? `\n${members.join("")}` : ""}};\n`;
  out += `\n${jsdoc([`Describes \`${m.fullName}\`: pass it to create(), toBinary(), fromJson(), ... of @bufbuild/protobuf.`])}`;
  out += `export const ${own.schema}: ${GenMessage}<${own.type}> = /*@__PURE__*/ ${messageDesc}(${fileConst}, ${m.path.join(", ")});\n`;
  return out;
}

function optional(f: ProtoFieldModel): boolean {
  if (f.cardinality === "optional") return true;
  return f.cardinality === "singular" && f.type.kind === "message";
}

function scalarType(scalar: ProtoScalar, longAsString: boolean): string {
  const ts = SCALAR_TS[scalar];
  return longAsString && ts === "bigint" ? "string" : ts;
}

/** The type of one value of the field (an element of a list, a map value, a oneof member, a singular value). */
function valueType(f: ProtoFieldModel, names: ProtoNames, imports: ImportSet, inOneof: boolean): string {
  const t = f.type;
  if (t.kind === "scalar") return scalarType(t.scalar, f.cardinality === "map" ? false : t.longAsString);
  if (t.kind === "enum") return typeNames(names, t.ref, "enum").type;
  // @bufbuild/protobuf keeps google.protobuf.Struct as a plain JSON object in every field (reflect/message.ts).
  if (t.ref === "google.protobuf.Struct") return imports.type(PROTOBUF, "JsonObject");
  const wrapped = WRAPPERS[t.ref];
  if (wrapped !== undefined && f.cardinality === "singular" && !inOneof) return scalarType(wrapped, false);
  return typeNames(names, t.ref, "message").type;
}

function fieldType(f: ProtoFieldModel, names: ProtoNames, imports: ImportSet): string {
  const value = valueType(f, names, imports, false);
  if (f.cardinality === "repeated") return `${value}[]`;
  if (f.cardinality === "map") {
    const key = f.mapKey !== undefined && SCALAR_TS[f.mapKey] === "number" ? "number" : "string";
    return `{ [key: ${key}]: ${value} }`;
  }
  return value;
}

function enumSection(e: ProtoEnumModel, fileConst: string, names: ProtoNames, imports: ImportSet): string {
  const GenEnum = imports.type(CODEGEN, "GenEnum");
  const enumDesc = imports.value(CODEGEN, "enumDesc");
  const own = names.types.get(e.fullName)!;
  const seen = new Set<string>();
  const members = e.values
    .filter((v) => !seen.has(v.localName) && seen.add(v.localName))
    .map((v) => {
      const key = IDENTIFIER.test(v.localName) && !isReserved(v.localName) ? v.localName : str(v.localName);
      return `${jsdoc([v.comment, `\`${v.name} = ${v.number}\``, v.deprecated ? "@deprecated" : undefined], "  ")}  ${key} = ${v.number},\n`;
    });
  let out = `\n${jsdoc([e.comment, `\`${e.fullName}\``, e.deprecated ? "@deprecated" : undefined])}`;
  out += `export enum ${own.type} {\n${members.join("")}}\n`;
  out += `\n${jsdoc([`Describes \`${e.fullName}\`.`])}`;
  out += `export const ${own.schema}: ${GenEnum}<${own.type}> = /*@__PURE__*/ ${enumDesc}(${fileConst}, ${e.path.join(", ")});\n`;
  return out;
}
