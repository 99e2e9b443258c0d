// The TypeScript names of one service's protobuf symbols: file descriptors, message types and their schemas, enums,
// service descriptors. Everything a proto file declares is named here, once, in one scope shared with the service's
// index.ts (which re-exports grpc.ts), so no two exports collide and no proto name can shadow a global the
// generated code relies on. Well-known types are the runtime's own, reached through the `wkt` namespace import.
import type { ProtoModel } from "../../model/types.js";
import { NameScope } from "../../model/names.js";

/** Globals and imported names the generated code uses; a proto symbol must never take one of them. */
export const GLOBAL_NAMES = [
  "Array",
  "AsyncIterable",
  "BigInt",
  "Boolean",
  "Buffer",
  "Date",
  "Error",
  "Function",
  "Infinity",
  "Iterable",
  "JSON",
  "Map",
  "Math",
  "NaN",
  "Number",
  "Object",
  "Partial",
  "Promise",
  "Record",
  "RegExp",
  "Set",
  "String",
  "Symbol",
  "Uint8Array",
  "console",
  "globalThis",
  "process",
  "undefined",
  // from @bufbuild/protobuf and its codegenv2
  "Message",
  "MessageInitShape",
  "JsonObject",
  "GenEnum",
  "GenFile",
  "GenMessage",
  "GenService",
  "enumDesc",
  "fileDesc",
  "messageDesc",
  "serviceDesc",
];

/** Local name of `import * as wkt from "@bufbuild/protobuf/wkt"`. */
export const WKT = "wkt";

export interface ProtoTypeName {
  kind: "message" | "enum";
  /** The TypeScript type (`Item_Variant`, `wkt.Timestamp`). */
  type: string;
  /** The descriptor constant (`Item_VariantSchema`, `wkt.TimestampSchema`). */
  schema: string;
  wellKnown: boolean;
}

export interface ProtoNames {
  /** File name → its GenFile constant (`file_auth_v1_auth`, `wkt.file_google_protobuf_timestamp`). */
  files: Map<string, string>;
  /** Fully qualified name → names. */
  types: Map<string, ProtoTypeName>;
  /** Service full name → its GenService constant. */
  services: Map<string, string>;
}

/** protobuf-es's local name: the name below the package, nesting joined by `_` (`auth.v1.Item.Variant` → `Item_Variant`). */
function localTypeName(fullName: string, pkg: string): string {
  const below = pkg !== "" && fullName.startsWith(`${pkg}.`) ? fullName.slice(pkg.length + 1) : fullName;
  return below.replace(/\./g, "_");
}

export function protoNames(proto: ProtoModel, scope: NameScope): ProtoNames {
  const names: ProtoNames = { files: new Map(), types: new Map(), services: new Map() };
  for (const file of proto.descriptors) {
    if (file.wellKnown !== undefined) {
      names.files.set(file.name, `${WKT}.${file.wellKnown}`);
      continue;
    }
    names.files.set(file.name, scope.take(`file_${file.name.replace(/\.proto$/, "").replace(/[^A-Za-z0-9_]/g, "_")}`));
  }
  for (const file of proto.descriptors) {
    if (file.wellKnown !== undefined) continue;
    const declared = [...file.messages.map((m) => ({ kind: "message" as const, fullName: m.fullName })), ...file.enums.map((e) => ({ kind: "enum" as const, fullName: e.fullName }))];
    for (const { kind, fullName } of declared) {
      const type = scope.take(safeTypeName(localTypeName(fullName, file.package)));
      names.types.set(fullName, { kind, type, schema: scope.take(`${type}Schema`), wellKnown: false });
    }
  }
  for (const service of proto.services) names.services.set(service.fullName, scope.take(safeTypeName(service.name)));
  return names;
}

/** The names of a type this service's files do not declare: a well-known type from `@bufbuild/protobuf/wkt`. */
export function typeNames(names: ProtoNames, fullName: string, kind: "message" | "enum"): ProtoTypeName {
  const own = names.types.get(fullName);
  if (own !== undefined) return own;
  const local = localTypeName(fullName, "google.protobuf");
  return { kind, type: `${WKT}.${local}`, schema: `${WKT}.${local}Schema`, wellKnown: true };
}

function safeTypeName(name: string): string {
  // Proto names are identifiers already ([A-Za-z_][A-Za-z0-9_]*); the scope keeps reserved words out.
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/** A scope holding the globals, for a service module and its grpc.ts. */
export function protoScope(taken: Iterable<string>): NameScope {
  return new NameScope([...GLOBAL_NAMES, WKT, ...taken]);
}
