// The gRPC part of the model: what src/specs/proto resolves from `.proto` files for one service. Re-exported by
// types.ts; plain data like the rest of the model.
import type { SourceLocation } from "./types.js";

/** A service's .proto input: what the gRPC client of src/emit/ts needs, resolved by src/specs/proto. */
export interface ProtoModel {
  /** The `proto` files as services.toml names them (relative to the config directory). */
  files: string[];
  /** Import directories in search order, relative to the config directory. */
  protoPaths: string[];
  /** Every .proto file read, relative to the config directory, sorted: the cache key. */
  inputs: string[];
  /** gRPC status names that are retried (`retry.grpc_retry_on`), in status-code order. */
  retryOn: string[];
  /** Every file the services need, each after the files it imports. */
  descriptors: ProtoFileModel[];
  /** Every service of the entry files, in file then declaration order. */
  services: ProtoServiceModel[];
}

export interface ProtoFileModel {
  /** The name imports use (`auth/v1/auth.proto`), relative to its import directory. */
  name: string;
  package: string;
  syntax: "proto2" | "proto3";
  /** Well-known files ship with @bufbuild/protobuf: the name of the file's export in `@bufbuild/protobuf/wkt`. */
  wellKnown?: string;
  /**
   * Base64 of the serialized google.protobuf.FileDescriptorProto (no dependencies, no comments), as
   * @bufbuild/protobuf's `fileDesc()` reads it; "" for well-known files.
   */
  descriptor: string;
  /** Names of the files it imports, in import order. */
  dependencies: string[];
  /** Every message, nested ones after their parent, in declaration order (map entries left out). */
  messages: ProtoMessageModel[];
  /** Every enum, top-level and nested, in declaration order. */
  enums: ProtoEnumModel[];
}

export type ProtoScalar =
  | "double"
  | "float"
  | "int64"
  | "uint64"
  | "int32"
  | "fixed64"
  | "fixed32"
  | "bool"
  | "string"
  | "bytes"
  | "uint32"
  | "sfixed32"
  | "sfixed64"
  | "sint32"
  | "sint64";

/** A field's value type; `ref` is a fully qualified name without the leading dot (`auth.v1.Token`). */
export type ProtoValueType =
  | { kind: "scalar"; scalar: ProtoScalar; longAsString: boolean }
  | { kind: "enum"; ref: string }
  | { kind: "message"; ref: string };

export interface ProtoFieldModel {
  /** As written in the .proto file. */
  name: string;
  /** The property @bufbuild/protobuf uses at runtime (`expires_at` → `expiresAt`). */
  localName: string;
  number: number;
  /** `optional`: explicit presence (proto3 `optional`); `map`: `type` is the value type. */
  cardinality: "singular" | "optional" | "repeated" | "map";
  type: ProtoValueType;
  mapKey?: ProtoScalar;
  /** localName of the oneof the field belongs to. */
  oneof?: string;
  comment?: string;
  deprecated: boolean;
}

export interface ProtoMessageModel {
  /** `auth.v1.TokenInfo.Claims`. */
  fullName: string;
  /** Indexes for `messageDesc(file, ...path)`: top-level index, then nested indexes. */
  path: number[];
  comment?: string;
  deprecated: boolean;
  fields: ProtoFieldModel[];
  /** User-declared oneofs (proto3 `optional` fields are plain optional fields here). */
  oneofs: Array<{ name: string; localName: string; comment?: string }>;
  location: SourceLocation;
}

export interface ProtoEnumModel {
  fullName: string;
  /** Indexes for `enumDesc(file, ...path)`: top-level index, or the parent message's path then the enum's index. */
  path: number[];
  comment?: string;
  deprecated: boolean;
  /** `localName`: the value name without the enum's shared prefix, as @bufbuild/protobuf names it. */
  values: Array<{ name: string; localName: string; number: number; comment?: string; deprecated: boolean }>;
  location: SourceLocation;
}

export type ProtoMethodKind = "unary" | "server_streaming" | "client_streaming" | "bidi_streaming";

export interface ProtoMethodModel {
  /** As written (`ValidateToken`). */
  name: string;
  /** The key @bufbuild/protobuf gives the method in a service descriptor's `method` (`validateToken`). */
  localName: string;
  kind: ProtoMethodKind;
  /** Fully qualified message names. */
  input: string;
  output: string;
  /**
   * Safe to send again after the server may have run it: `idempotency_level = NO_SIDE_EFFECTS` or `IDEMPOTENT`, unless
   * services.toml's `idempotent` for the method says otherwise.
   */
  idempotent: boolean;
  /**
   * What `[external_services.<key>.operations."<package>.<Service>/<Method>"]` sets, only the keys it sets (absent:
   * none). The generated client carries exactly this; `idempotent` above already includes it.
   */
  override?: ProtoMethodOverride;
  comment?: string;
  deprecated: boolean;
  location: SourceLocation;
}

export interface ProtoMethodOverride {
  /** Wins over the .proto's idempotency_level. */
  idempotent?: boolean;
  /** Overall deadline of one call of the method (ms); wins over the service's timeoutMs. */
  timeoutMs?: number;
}

export interface ProtoServiceModel {
  /** `auth.v1.AuthService`: the path prefix of every call (`/auth.v1.AuthService/ValidateToken`). */
  fullName: string;
  name: string;
  /** The file that declares it (a ProtoFileModel name) and its index there, for `serviceDesc(file, index)`. */
  file: string;
  index: number;
  comment?: string;
  deprecated: boolean;
  methods: ProtoMethodModel[];
  location: SourceLocation;
}
