// One service mesh: what the resolver must know about it (MeshRules) and how its manifests are written. Each mesh
// lives in its own folder here with its views; its templates are under templates/<kind>/.
import type { MeshRules } from "../../../mesh/index.js";
import type { Model, ServiceModel } from "../../../model/types.js";
import type { MeshWithKube } from "../common.js";
import type { Guard } from "../guard.js";
import type { Manifest } from "../render.js";

export interface MeshEmitter extends MeshRules {
  /** Annotations the mesh reads from the callee's ClusterIP Service. */
  serviceAnnotations(service: ServiceModel, mesh: MeshWithKube): Record<string, string>;
  /** The mesh's manifests for one service that has a Kubernetes Service. */
  manifests(model: Model, service: ServiceModel, mesh: MeshWithKube, guard: Guard): Manifest[];
  /** Manifests written once per model (Istio's caller Sidecar). */
  modelManifests?(model: Model, guard: Guard): Manifest[];
}
