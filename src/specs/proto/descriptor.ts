// One file's tree → google.protobuf.FileDescriptorProto bytes, in the shape @bufbuild/protobuf's codegenv2 `fileDesc()`
// hydrates: no `dependency` list (fileDesc fills it from the imports it is given), no source info, json_name only
// where it differs from the default. Only options the runtime reads are kept (packed, jstype, map_entry, deprecated,
// allow_alias, idempotency_level); custom options never reach generated code.
// Field numbers are those of google/protobuf/descriptor.proto.
import type { ProtoScalar, ProtoValueType } from "../../model/types.js";
import type { EnumNode, FieldNode, FileNode, MessageNode, ServiceNode } from "./nodes.js";
import { type WireField, encodeMessage } from "./wire.js";

const TYPE: Record<ProtoScalar | "enum" | "message", number> = {
  double: 1,
  float: 2,
  int64: 3,
  uint64: 4,
  int32: 5,
  fixed64: 6,
  fixed32: 7,
  bool: 8,
  string: 9,
  message: 11,
  bytes: 12,
  uint32: 13,
  enum: 14,
  sfixed32: 15,
  sfixed64: 16,
  sint32: 17,
  sint64: 18,
};
const LABEL = { optional: 1, required: 2, repeated: 3 } as const;

export function fileDescriptor(node: FileNode): Uint8Array {
  const f: WireField[] = [{ no: 1, string: node.file.name }];
  if (node.file.package !== "") f.push({ no: 2, string: node.file.package });
  for (const m of node.messages) f.push({ no: 4, message: messageDescriptor(m) });
  for (const e of node.enums) f.push({ no: 5, message: enumDescriptor(e) });
  for (const s of node.services) f.push({ no: 6, message: serviceDescriptor(s) });
  // proto2 is the default and written as no syntax at all, as protoc does.
  if (node.file.syntax === "proto3") f.push({ no: 12, string: "proto3" });
  return encodeMessage(f);
}

function typeFields(type: ProtoValueType): WireField[] {
  if (type.kind === "scalar") return [{ no: 5, varint: TYPE[type.scalar] }];
  return [
    { no: 5, varint: TYPE[type.kind] },
    { no: 6, string: `.${type.ref}` },
  ];
}

function fieldDescriptor(field: FieldNode, mapEntryRef: string | undefined): Uint8Array {
  const f: WireField[] = [
    { no: 1, string: field.name },
    { no: 3, varint: field.number },
    { no: 4, varint: LABEL[field.label] },
    ...(mapEntryRef !== undefined
      ? [
          { no: 5, varint: TYPE.message },
          { no: 6, string: `.${mapEntryRef}` },
        ]
      : typeFields(field.type)),
  ];
  if (field.defaultValue !== undefined) f.push({ no: 7, string: field.defaultValue });
  const options: WireField[] = [];
  if (field.packed !== undefined) options.push({ no: 2, varint: field.packed });
  if (field.deprecated) options.push({ no: 3, varint: true });
  if (field.jstype !== undefined) options.push({ no: 6, varint: field.jstype });
  if (options.length > 0) f.push({ no: 8, message: encodeMessage(options) });
  if (field.oneofIndex !== undefined) f.push({ no: 9, varint: field.oneofIndex });
  if (field.jsonName !== undefined) f.push({ no: 10, string: field.jsonName });
  if (field.proto3Optional) f.push({ no: 17, varint: true });
  return encodeMessage(f);
}

function messageDescriptor(m: MessageNode): Uint8Array {
  const f: WireField[] = [{ no: 1, string: m.name }];
  // Map fields point at their synthesised entry messages, which follow the declared nested messages.
  const maps = m.fields.filter((x) => x.cardinality === "map");
  for (const field of m.fields) {
    const entry = field.cardinality === "map" ? `${m.fullName}.${m.mapEntries[maps.indexOf(field)]!.name}` : undefined;
    f.push({ no: 2, message: fieldDescriptor(field, entry) });
  }
  for (const n of m.nested) f.push({ no: 3, message: messageDescriptor(n) });
  for (const e of m.mapEntries) {
    const key: FieldNode = {
      name: "key",
      localName: "key",
      number: 1,
      label: "optional",
      cardinality: "singular",
      type: { kind: "scalar", scalar: e.key, longAsString: false },
      proto3Optional: false,
      deprecated: false,
    };
    const entry: WireField[] = [
      { no: 1, string: e.name },
      { no: 2, message: fieldDescriptor(key, undefined) },
      { no: 2, message: fieldDescriptor(e.value, undefined) },
      { no: 7, message: encodeMessage([{ no: 7, varint: true }]) },
    ];
    f.push({ no: 3, message: encodeMessage(entry) });
  }
  for (const e of m.enums) f.push({ no: 4, message: enumDescriptor(e) });
  if (m.deprecated) f.push({ no: 7, message: encodeMessage([{ no: 3, varint: true }]) });
  for (const o of m.oneofs) f.push({ no: 8, message: encodeMessage([{ no: 1, string: o.name }]) });
  return encodeMessage(f);
}

function enumDescriptor(e: EnumNode): Uint8Array {
  const f: WireField[] = [{ no: 1, string: e.name }];
  for (const v of e.values) {
    const value: WireField[] = [
      { no: 1, string: v.name },
      { no: 2, varint: v.number },
    ];
    if (v.deprecated) value.push({ no: 3, message: encodeMessage([{ no: 1, varint: true }]) });
    f.push({ no: 2, message: encodeMessage(value) });
  }
  const options: WireField[] = [];
  if (e.allowAlias) options.push({ no: 2, varint: true });
  if (e.deprecated) options.push({ no: 3, varint: true });
  if (options.length > 0) f.push({ no: 3, message: encodeMessage(options) });
  return encodeMessage(f);
}

function serviceDescriptor(s: ServiceNode): Uint8Array {
  const f: WireField[] = [{ no: 1, string: s.name }];
  for (const m of s.methods) {
    const method: WireField[] = [
      { no: 1, string: m.name },
      { no: 2, string: `.${m.input}` },
      { no: 3, string: `.${m.output}` },
    ];
    const options: WireField[] = [];
    if (m.deprecated) options.push({ no: 33, varint: true });
    if (m.idempotency !== 0) options.push({ no: 34, varint: m.idempotency });
    if (options.length > 0) method.push({ no: 4, message: encodeMessage(options) });
    if (m.kind === "client_streaming" || m.kind === "bidi_streaming") method.push({ no: 5, varint: true });
    if (m.kind === "server_streaming" || m.kind === "bidi_streaming") method.push({ no: 6, varint: true });
    f.push({ no: 2, message: encodeMessage(method) });
  }
  if (s.deprecated) f.push({ no: 3, message: encodeMessage([{ no: 33, varint: true }]) });
  return encodeMessage(f);
}
