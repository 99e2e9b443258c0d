// google/protobuf/*.proto files that @bufbuild/protobuf ships (from "@bufbuild/protobuf/wkt"): generated code imports
// them instead of embedding them, so messages such as Timestamp are the runtime's own. Their definitions for type
// resolution at generation time come with protobufjs (its `common` set and its google/protobuf/*.json files).
import { createRequire } from "node:module";
import protobuf from "protobufjs";

export interface WellKnownFile {
  /** The file's export in @bufbuild/protobuf/wkt, e.g. `file_google_protobuf_timestamp`. */
  exportName: string;
  /** Other well-known files it imports. */
  imports: readonly string[];
}

export const WELL_KNOWN: Readonly<Record<string, WellKnownFile>> = {
  "google/protobuf/any.proto": { exportName: "file_google_protobuf_any", imports: [] },
  "google/protobuf/api.proto": {
    exportName: "file_google_protobuf_api",
    imports: ["google/protobuf/source_context.proto", "google/protobuf/type.proto"],
  },
  "google/protobuf/descriptor.proto": { exportName: "file_google_protobuf_descriptor", imports: [] },
  "google/protobuf/duration.proto": { exportName: "file_google_protobuf_duration", imports: [] },
  "google/protobuf/empty.proto": { exportName: "file_google_protobuf_empty", imports: [] },
  "google/protobuf/field_mask.proto": { exportName: "file_google_protobuf_field_mask", imports: [] },
  "google/protobuf/source_context.proto": { exportName: "file_google_protobuf_source_context", imports: [] },
  "google/protobuf/struct.proto": { exportName: "file_google_protobuf_struct", imports: [] },
  "google/protobuf/timestamp.proto": { exportName: "file_google_protobuf_timestamp", imports: [] },
  "google/protobuf/type.proto": {
    exportName: "file_google_protobuf_type",
    imports: ["google/protobuf/any.proto", "google/protobuf/source_context.proto"],
  },
  "google/protobuf/wrappers.proto": { exportName: "file_google_protobuf_wrappers", imports: [] },
};

export function isWellKnown(name: string): boolean {
  return Object.hasOwn(WELL_KNOWN, name);
}

/** Singular fields of these types are unboxed to the wrapped scalar by @bufbuild/protobuf (outside oneofs). */
export const WRAPPER_SCALARS: Readonly<Record<string, string>> = {
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

const require = createRequire(import.meta.url);

/** protobufjs's JSON form of a well-known file (a namespace rooted at `google`). */
export function wellKnownJson(name: string): protobuf.INamespace {
  const common = (protobuf.common as unknown as Record<string, protobuf.INamespace | undefined>)[name];
  if (common !== undefined) return common;
  return require(`protobufjs/${name.replace(/\.proto$/, ".json")}`) as protobuf.INamespace;
}
