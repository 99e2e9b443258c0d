import type { ServiceModel } from "../model/types.js";
import { resolveMesh } from "./resolve.js";
import type { ResolvedMesh } from "./types.js";

/** The service's resolved mesh: the one the model builder stored, or resolved now (without TOML positions). */
export function meshOf(service: ServiceModel): ResolvedMesh {
  return service.resolvedMesh ?? resolveMesh(service, () => undefined).mesh;
}
