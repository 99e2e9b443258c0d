// The meshes svcgen writes manifests for, one line each. Adding a mesh: its word in MESH_KINDS
// (src/runtime/vocabulary.ts and the model's MeshKind), its folder here (rules, views, entry) with its templates under
// templates/<kind>/, and one line below.
import type { MeshKind } from "../../../model/types.js";
import { istio } from "./istio/index.js";
import { linkerd } from "./linkerd/index.js";
import type { MeshEmitter } from "./types.js";

export type { MeshEmitter } from "./types.js";

export const MESHES: readonly MeshEmitter[] = [
  istio,
  linkerd,
];

/** The mesh of a kind; undefined for "none". */
export function meshFor(kind: MeshKind): MeshEmitter | undefined {
  return MESHES.find((mesh) => mesh.kind === kind);
}
