// Which mesh kinds each `[…mesh]` key applies to; under any other kind it is reported. src/config's key table has the
// keys, their types and descriptions; each mesh's rules (rules.ts) list the keys only it reads.
import { MESH_TABLE } from "../config/keys.js";
import type { MeshSettings } from "../config/types.js";
import type { MeshKind } from "../model/types.js";
import type { MeshRules, MeshRulesOf } from "./rules.js";

export type MeshKey = Exclude<keyof MeshSettings, "kind" | "retry_owner">;

/** Keys read whatever the kind (they name the Kubernetes Service's ports). */
const EVERY_KIND: readonly MeshKey[] = ["http_port_name", "grpc_port_name", "grpc_app_protocol"];
/** Keys every mesh reads. */
const EVERY_MESH: readonly MeshKey[] = ["timeout_ms", "retries"];

export function appliesTo(key: MeshKey, rules: MeshRules | undefined): boolean {
  return EVERY_KIND.includes(key) || (rules !== undefined && (EVERY_MESH.includes(key) || rules.keys.includes(key)));
}

/** The kinds `key` applies to, in the order given. */
export function kindsOf(key: MeshKey, kinds: readonly MeshKind[], rulesOf: MeshRulesOf): MeshKind[] {
  return kinds.filter((kind) => appliesTo(key, rulesOf(kind)));
}

/** Every `[…mesh]` key besides kind and retry_owner, with its description (the README documents each). */
export const MESH_KEYS: Readonly<Record<MeshKey, string>> = Object.fromEntries(
  Object.entries(MESH_TABLE.keys)
    .filter(([key]) => key !== "kind" && key !== "retry_owner")
    .map(([key, spec]) => [key, spec.description]),
) as Record<MeshKey, string>;

/** The keys `settings` sets, besides kind and retry_owner, sorted. */
export function meshKeysSet(settings: MeshSettings): MeshKey[] {
  return (Object.keys(settings).filter((k) => k !== "kind" && k !== "retry_owner") as MeshKey[]).sort();
}
