// The .proto format behind the SpecLoader interface: services.toml's `proto = ["<file>", …]` and `proto_paths`.
import type { ProtoModel } from "../../model/types.js";
import type { SpecLoader, SpecSettings } from "../loader.js";

export interface ProtoSettings extends SpecSettings {
  /** The service's key, which a warning names. */
  key: string;
  files: string[];
  protoPaths: string[];
  refRoots: string[];
  retryOn: string[];
}

export const protoLoader: SpecLoader<"proto", ProtoSettings, ProtoModel> = {
  kind: "proto",
  settings: (service) =>
    service.proto === undefined
      ? undefined
      : {
          key: service.key,
          files: service.proto.paths,
          protoPaths: service.proto.protoPaths,
          refRoots: service.refRoots,
          retryOn: service.grpcRetryOn ?? [],
          at: service.proto.location,
        },
  // The files are small: a gRPC load is cheap whatever its size.
  weight: () => 0,
  // protobufjs parses synchronously; imported on first use, as an OpenAPI-only config never needs it.
  async load(settings, ctx) {
    const { loadProto } = await import("./index.js");
    const loaded = loadProto({
      files: settings.files,
      protoPaths: settings.protoPaths,
      baseDir: ctx.configDir,
      refRoots: settings.refRoots,
      retryOn: settings.retryOn,
      show: ctx.show,
      at: settings.at,
    });
    const diagnostics = [...loaded.diagnostics];
    if (loaded.model && loaded.model.services.length === 0) {
      const verb = settings.files.length === 1 ? "declares" : "declare";
      diagnostics.push({
        severity: "warning",
        code: "proto/no-services",
        message: `${settings.files.join(", ")} ${verb} no service: ${settings.key} gets no gRPC client`,
        location: settings.at,
      });
    }
    return { ...(loaded.model ? { model: loaded.model } : {}), diagnostics, inputs: loaded.read, absent: loaded.absent };
  },
};
