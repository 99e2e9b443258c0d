// The OpenAPI format behind the SpecLoader interface: services.toml's `openapi = "<file>"`.
import { statSync } from "node:fs";
import path from "node:path";
import type { OpenApiModel } from "../../model/types.js";
import { checkInputFile } from "../files.js";
import type { SpecLoader, SpecSettings } from "../loader.js";

export interface OpenApiSettings extends SpecSettings {
  /** As written in services.toml, relative to the config's folder. */
  path: string;
  refRoots: string[];
}

export const openapiLoader: SpecLoader<"openapi", OpenApiSettings, OpenApiModel> = {
  kind: "openapi",
  settings: (service) =>
    service.openapi === undefined ? undefined : { path: service.openapi.path, refRoots: service.refRoots, at: service.openapi.location },
  weight(settings, ctx) {
    try {
      return statSync(path.resolve(ctx.configDir, settings.path)).size;
    } catch {
      return 0;
    }
  },
  async load(settings, ctx) {
    const absPath = path.resolve(ctx.configDir, settings.path);
    // Checked here, not in loadOpenApi, because only here is the TOML key known: a missing spec is reported where
    // services.toml names it, like a missing .proto.
    const missing = checkInputFile("openapi", absPath, ctx.show(absPath), settings.at);
    if (missing) return { diagnostics: [missing], inputs: [] };
    // Imported on first use: Redocly and openapi-typescript are most of svcgen's load time, and a proto-only
    // config needs neither.
    const { loadOpenApi } = await import("./index.js");
    const relPath = settings.path.split(path.sep).join("/");
    const loaded = await loadOpenApi({ absPath, relPath }, ctx.configDir, { refRoots: settings.refRoots, show: ctx.show });
    // loadOpenApi names files relative to the config's folder; diagnostics name them relative to the cwd.
    const diagnostics = loaded.diagnostics.map((d) => ({
      ...d,
      location: { ...d.location, file: ctx.show(path.resolve(ctx.configDir, d.location.file)) },
    }));
    const inputs = loaded.model ? loaded.model.inputs.map((input) => path.resolve(ctx.configDir, input)) : [];
    return { ...(loaded.model ? { model: loaded.model } : {}), diagnostics, inputs };
  },
};
