// The typed mesh settings: resolveMesh (model building), clientRetryDisabled (the one-layer-retries switch) and the
// per-operation policies the emitters and the lint share.
export { resolveMesh } from "./resolve.js";
export { clientRetryDisabled, MESH_GRPC_STATUSES } from "./retries.js";
export { meshOf } from "./of.js";
export { operationPolicies, type RoutePolicy, type PolicyGroup, type OperationPolicies } from "./operations.js";
export { MESH_KEYS } from "./keys.js";
export type * from "./types.js";
