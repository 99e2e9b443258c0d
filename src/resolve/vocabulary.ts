// The model spells the policy vocabulary's words as its own types (it imports nothing); these assignments fail to
// compile when src/runtime/vocabulary.ts gains a word the model does not know.
import type { DiscoveryKind, JitterKind, LoadBalancerKind, MeshKind, RetryOwner } from "../model/types.js";
import { DISCOVERY_KINDS, JITTER_KINDS, LOAD_BALANCER_KINDS, MESH_KINDS, RETRY_OWNERS } from "../runtime/vocabulary.js";

export const MODEL_WORDS: {
  discovery: readonly DiscoveryKind[];
  jitter: readonly JitterKind[];
  loadBalancer: readonly LoadBalancerKind[];
  mesh: readonly MeshKind[];
  retryOwner: readonly RetryOwner[];
} = { discovery: DISCOVERY_KINDS, jitter: JITTER_KINDS, loadBalancer: LOAD_BALANCER_KINDS, mesh: MESH_KINDS, retryOwner: RETRY_OWNERS };
