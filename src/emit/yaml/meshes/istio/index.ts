// Istio: a VirtualService and a DestinationRule per callee, and the caller's Sidecar.
import type { MeshEmitter } from "../types.js";
import { istioManifests } from "./manifests.js";
import { sidecarManifest } from "./sidecar.js";

export const istio: MeshEmitter = {
  kind: "istio",
  title: "Istio",
  keys: ["subsets", "routes", "outlier_detection", "connection_pool", "sidecar"],
  /**
   * Envoy waits a random time in [0, (2^n - 1) × 25 ms] before retry n, capped at 250 ms (its defaults; Istio does
   * not expose them).
   */
  backoffMs(retries) {
    let total = 0;
    for (let n = 1; n <= retries; n++) total += Math.min((2 ** n - 1) * 25, 250);
    return total;
  },
  retriesConnectFailuresAlone: true,
  serviceAnnotations: () => ({}),
  manifests: istioManifests,
  modelManifests(model, guard) {
    const sidecar = sidecarManifest(model, guard);
    return sidecar ? [sidecar] : [];
  },
};
