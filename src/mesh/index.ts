// The mesh resolver: a service's checked `mesh` settings + its resolved client policy → the model's ResolvedMesh
// (per-route policies included). Called once, by the resolve stage (src/resolve); emitters and lint read the model.
export { resolveMesh } from "./resolve.js";
export { clientRetryDisabled, MESH_GRPC_STATUSES } from "./retries.js";
export { formatDuration } from "./duration.js";
export { MESH_KEYS, type MeshKey } from "./keys.js";
export type { MeshRules, MeshRulesOf } from "./rules.js";
export type { Locate } from "./report.js";
export type { ServiceBase } from "./service.js";
