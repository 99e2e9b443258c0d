// Shared by the OpenAPI tests: load a fixture with the fixtures folder as the config directory.
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { OpenApiModel, OperationModel } from "../../../src/model/types.js";
import { loadOpenApi, type OpenApiResult } from "../../../src/specs/openapi/index.js";

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../fixtures/openapi");

export function load(rel: string, configDir = FIXTURES): Promise<OpenApiResult> {
  return loadOpenApi({ absPath: path.join(configDir, rel), relPath: rel }, configDir);
}

export async function loadModel(rel: string): Promise<OpenApiModel> {
  const result = await load(rel);
  if (!result.model) throw new Error(`no model for ${rel}: ${JSON.stringify(result.diagnostics)}`);
  return result.model;
}

export function op(model: OpenApiModel, name: string): OperationModel {
  const found = model.operations.find((o) => o.name === name);
  if (!found) throw new Error(`no operation ${name} in ${model.operations.map((o) => o.name).join(", ")}`);
  return found;
}
