// .proto files → the ProtoModel of one service: load and parse (load.ts), resolve into per-file trees (walk.ts),
// serialise descriptors (descriptor.ts), then the plain data the TypeScript emitter needs. Pure apart from reading
// the .proto files; every problem is a located diagnostic, collected before failing once.
import path from "node:path";
import type {
  Diagnostic,
  ProtoEnumModel,
  ProtoFieldModel,
  ProtoFileModel,
  ProtoMessageModel,
  ProtoModel,
  ProtoServiceModel,
  SourceLocation,
} from "../../model/types.js";
import { fileDescriptor } from "./descriptor.js";
import { loadProtoFiles } from "./load.js";
import { enumSharedPrefix, methodLocalName, protoCamelCase, safeObjectProperty } from "./names.js";
import type { EnumNode, FileNode, MessageNode } from "./nodes.js";
import { walkFiles } from "./walk.js";
import { WELL_KNOWN } from "./wkt.js";
import { toBase64 } from "./wire.js";

export interface LoadProtoRequest {
  /** The `proto` entries as services.toml gives them, relative to `baseDir`. */
  files: readonly string[];
  /** Import directories relative to `baseDir`, in search order. */
  protoPaths: readonly string[];
  /** The config file's directory (absolute). */
  baseDir: string;
  /** services.toml's `ref_roots` (relative to `baseDir`): folders imports may read besides the import directories. */
  refRoots?: readonly string[];
  /** gRPC status names to retry. */
  retryOn: readonly string[];
  /** Display path of a file for diagnostics (relative to the working directory). */
  show: (abs: string) => string;
  /** The `proto` key in services.toml, for entry files that cannot be read. */
  at: SourceLocation;
}

export interface LoadProtoResult {
  model?: ProtoModel;
  diagnostics: Diagnostic[];
  /** Absolute paths of every file read. */
  read: string[];
  /** Absolute paths an import was looked for in first, where a new file would change the result. */
  absent: string[];
}

export function loadProto(request: LoadProtoRequest): LoadProtoResult {
  const loaded = loadProtoFiles({ ...request, refRoots: request.refRoots ?? [] });
  const { read, absent } = loaded;
  if (!loaded.files || !loaded.root) return { diagnostics: loaded.diagnostics, read, absent };
  const walked = walkFiles(loaded.root, loaded.files);
  if (walked.diagnostics.length > 0) return { diagnostics: walked.diagnostics, read, absent };

  const nodes = new Map(walked.nodes.map((n) => [n.file.name, n]));
  const descriptors: ProtoFileModel[] = loaded.files.map((file) => {
    const node = nodes.get(file.name);
    const base = { name: file.name, package: file.package, syntax: file.syntax, dependencies: file.imports.map((i) => i.name) };
    if (file.wellKnown || node === undefined) {
      return { ...base, wellKnown: WELL_KNOWN[file.name]!.exportName, descriptor: "", dependencies: [...WELL_KNOWN[file.name]!.imports], messages: [], enums: [] };
    }
    return { ...base, descriptor: toBase64(fileDescriptor(node)), messages: flattenMessages(node), enums: flattenEnums(node) };
  });

  const services: ProtoServiceModel[] = [];
  for (const entry of loaded.entries) {
    const node = nodes.get(entry);
    node?.services.forEach((s, index) => {
      services.push({
        fullName: s.fullName,
        name: s.name,
        file: entry,
        index,
        ...(s.comment ? { comment: s.comment } : {}),
        deprecated: s.deprecated,
        methods: s.methods.map((m) => ({
          name: m.name,
          localName: methodLocalName(m.name),
          kind: m.kind,
          input: m.input,
          output: m.output,
          idempotent: m.idempotency !== 0,
          ...(m.comment ? { comment: m.comment } : {}),
          deprecated: m.deprecated,
          location: m.location,
        })),
        location: s.location,
      });
    });
  }

  const inputs = loaded.read.map((abs) => path.relative(request.baseDir, abs).split(path.sep).join("/")).sort();
  return {
    model: {
      files: [...request.files],
      protoPaths: [...request.protoPaths],
      inputs: [...new Set(inputs)],
      retryOn: [...request.retryOn],
      descriptors,
      services,
    },
    diagnostics: [],
    read,
    absent,
  };
}

function flattenMessages(node: FileNode): ProtoMessageModel[] {
  const out: ProtoMessageModel[] = [];
  const visit = (m: MessageNode): void => {
    out.push({
      fullName: m.fullName,
      path: m.path,
      ...(m.comment ? { comment: m.comment } : {}),
      deprecated: m.deprecated,
      fields: m.fields.map((f): ProtoFieldModel => {
        const oneof = f.oneofIndex !== undefined ? m.oneofs[f.oneofIndex] : undefined;
        return {
          name: f.name,
          localName: f.localName,
          number: f.number,
          cardinality: f.cardinality,
          type: f.type,
          ...(f.mapKey !== undefined ? { mapKey: f.mapKey } : {}),
          ...(oneof && !oneof.synthetic ? { oneof: safeObjectProperty(protoCamelCase(oneof.name)) } : {}),
          ...(f.comment ? { comment: f.comment } : {}),
          deprecated: f.deprecated,
        };
      }),
      oneofs: m.oneofs
        .filter((o) => !o.synthetic)
        .map((o) => ({ name: o.name, localName: safeObjectProperty(protoCamelCase(o.name)), ...(o.comment ? { comment: o.comment } : {}) })),
      location: m.location,
    });
    m.nested.forEach(visit);
  };
  node.messages.forEach(visit);
  return out;
}

function flattenEnums(node: FileNode): ProtoEnumModel[] {
  const out: ProtoEnumModel[] = [];
  const add = (e: EnumNode): void => {
    const prefix = enumSharedPrefix(e.name, e.values.map((v) => v.name));
    out.push({
      fullName: e.fullName,
      path: e.path,
      ...(e.comment ? { comment: e.comment } : {}),
      deprecated: e.deprecated,
      values: e.values.map((v) => ({
        name: v.name,
        localName: safeObjectProperty(prefix === undefined ? v.name : v.name.slice(prefix.length)),
        number: v.number,
        ...(v.comment ? { comment: v.comment } : {}),
        deprecated: v.deprecated,
      })),
      location: e.location,
    });
  };
  const visit = (m: MessageNode): void => {
    m.enums.forEach(add);
    m.nested.forEach(visit);
  };
  node.enums.forEach(add);
  node.messages.forEach(visit);
  return out;
}
