// The per-file tree walk.ts builds from protobufjs's Root: what descriptor.ts serialises and index.ts turns into the
// model, in the order protoc writes a file's descriptor.
import type { ProtoMethodKind, ProtoScalar, ProtoValueType, SourceLocation } from "../../model/types.js";
import type { LoadedFile } from "./load.js";

export interface FieldNode {
  name: string;
  localName: string;
  number: number;
  label: "optional" | "required" | "repeated";
  cardinality: "singular" | "optional" | "repeated" | "map";
  type: ProtoValueType;
  mapKey?: ProtoScalar;
  /** Index into the message's `oneofs` (user oneofs first, then proto3-optional synthetic ones). */
  oneofIndex?: number;
  proto3Optional: boolean;
  jsonName?: string;
  defaultValue?: string;
  packed?: boolean;
  jstype?: number;
  deprecated: boolean;
  comment?: string;
}

export interface OneofNode {
  name: string;
  synthetic: boolean;
  comment?: string;
}

export interface MessageNode {
  name: string;
  fullName: string;
  path: number[];
  fields: FieldNode[];
  oneofs: OneofNode[];
  nested: MessageNode[];
  enums: EnumNode[];
  /** Synthesised `<Field>Entry` messages for map fields (written after `nested`, never addressed by path). */
  mapEntries: Array<{ name: string; key: ProtoScalar; value: FieldNode }>;
  deprecated: boolean;
  comment?: string;
  location: SourceLocation;
}

export interface EnumNode {
  name: string;
  fullName: string;
  path: number[];
  values: Array<{ name: string; number: number; deprecated: boolean; comment?: string }>;
  allowAlias: boolean;
  deprecated: boolean;
  comment?: string;
  location: SourceLocation;
}

export interface MethodNode {
  name: string;
  kind: ProtoMethodKind;
  input: string;
  output: string;
  idempotency: 0 | 1 | 2;
  deprecated: boolean;
  comment?: string;
  location: SourceLocation;
}

export interface ServiceNode {
  name: string;
  fullName: string;
  methods: MethodNode[];
  deprecated: boolean;
  comment?: string;
  location: SourceLocation;
}

export interface FileNode {
  file: LoadedFile;
  messages: MessageNode[];
  enums: EnumNode[];
  services: ServiceNode[];
}
