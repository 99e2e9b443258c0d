// The .proto format behind the SpecLoader interface: services.toml's `proto = ["<file>", …]` and `proto_paths`.
import type { ProtoModel } from "../../model/types.js";
import type { SpecLoader } from "../loader.js";
import { loadProto } from "./index.js";

export const protoLoader: SpecLoader<"proto", ProtoModel> = {
  kind: "proto",
  wants: (service) => service.proto !== undefined,
  // protobufjs parses synchronously; the files are small.
  async load(service, ctx) {
    const proto = service.proto!;
    const loaded = loadProto({
      files: proto.paths,
      protoPaths: proto.protoPaths,
      baseDir: ctx.configDir,
      refRoots: service.refRoots,
      retryOn: service.grpcRetryOn ?? [],
      show: ctx.show,
      at: proto.location,
    });
    const diagnostics = [...loaded.diagnostics];
    if (loaded.model && loaded.model.services.length === 0) {
      const verb = proto.paths.length === 1 ? "declares" : "declare";
      diagnostics.push({
        severity: "warning",
        code: "proto/no-services",
        message: `${proto.paths.join(", ")} ${verb} no service: ${service.key} gets no gRPC client`,
        location: proto.location,
      });
    }
    return { ...(loaded.model ? { model: loaded.model } : {}), diagnostics, inputs: loaded.read };
  },
};
