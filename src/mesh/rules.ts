// What the mesh resolver must know about one mesh kind. Each mesh's folder (src/emit/yaml/meshes/<kind>/) defines its
// rules next to its manifests; the registry there hands them to the resolve stage, so src/mesh has no kind switch.
import type { MeshKind } from "../model/types.js";
import type { MeshKey } from "./keys.js";

export interface MeshRules {
  kind: Exclude<MeshKind, "none">;
  /** The mesh's name in messages ("Istio"). */
  title: string;
  /** `[…mesh]` keys that apply to this mesh besides those of every mesh (timeout_ms, retries) and every kind. */
  keys: readonly MeshKey[];
  /** The longest total pause the mesh takes between `retries` retries (ms). */
  backoffMs(retries: number): number;
  /**
   * Whether the mesh can retry connection failures alone, so an operation that is not idempotent keeps those
   * retries; otherwise it gets none.
   */
  retriesConnectFailuresAlone: boolean;
}

/** The rules of a mesh kind; undefined for "none". */
export type MeshRulesOf = (kind: MeshKind) => MeshRules | undefined;
