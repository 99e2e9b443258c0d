// Which mesh kinds each `[…mesh]` key applies to; under any other kind it is reported (src/config's key table has
// the keys, their types and descriptions).
import type { MeshSettings } from "../config/types.js";
import type { MeshKind } from "../model/types.js";

export type MeshKey = Exclude<keyof MeshSettings, "kind" | "retry_owner">;

const BOTH: readonly MeshKind[] = ["istio", "linkerd"];
const ALL: readonly MeshKind[] = ["none", "istio", "linkerd"];

export const MESH_KEY_KINDS: Readonly<Record<MeshKey, readonly MeshKind[]>> = {
  timeout_ms: BOTH,
  retries: BOTH,
  subsets: ["istio"],
  routes: ["istio"],
  outlier_detection: ["istio"],
  connection_pool: ["istio"],
  sidecar: ["istio"],
  failure_accrual: ["linkerd"],
  serviceprofile: ["linkerd"],
  retry_budget: ["linkerd"],
  http_port_name: ALL,
  grpc_port_name: ALL,
  grpc_app_protocol: ALL,
};

/** The keys `settings` sets, besides kind and retry_owner, sorted. */
export function meshKeysSet(settings: MeshSettings): MeshKey[] {
  return (Object.keys(settings).filter((k) => k !== "kind" && k !== "retry_owner") as MeshKey[]).sort();
}
