// The OpenAPI format behind the SpecLoader interface: services.toml's `openapi = "<file>"`.
import path from "node:path";
import type { OpenApiModel } from "../../model/types.js";
import { checkInputFile } from "../files.js";
import type { SpecLoader } from "../loader.js";
import { loadOpenApi } from "./index.js";

export const openapiLoader: SpecLoader<"openapi", OpenApiModel> = {
  kind: "openapi",
  wants: (service) => service.openapi !== undefined,
  async load(service, ctx) {
    const spec = service.openapi!;
    const absPath = path.resolve(ctx.configDir, spec.path);
    // Checked here, not in loadOpenApi, because only here is the TOML key known: a missing spec is reported where
    // services.toml names it, like a missing .proto.
    const missing = checkInputFile("openapi", absPath, ctx.show(absPath), spec.location);
    if (missing) return { diagnostics: [missing], inputs: [] };
    const relPath = spec.path.split(path.sep).join("/");
    const loaded = await loadOpenApi({ absPath, relPath }, ctx.configDir, { refRoots: service.refRoots, show: ctx.show });
    // loadOpenApi names files relative to the config's folder; diagnostics name them relative to the cwd.
    const diagnostics = loaded.diagnostics.map((d) => ({
      ...d,
      location: { ...d.location, file: ctx.show(path.resolve(ctx.configDir, d.location.file)) },
    }));
    const inputs = loaded.model ? loaded.model.inputs.map((input) => path.resolve(ctx.configDir, input)) : [];
    return { ...(loaded.model ? { model: loaded.model } : {}), diagnostics, inputs };
  },
};
