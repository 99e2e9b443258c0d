// Linkerd: policy annotations on the Service, HTTPRoutes and GRPCRoutes per policy, optionally a ServiceProfile.
import type { MeshEmitter } from "../types.js";
import { linkerdManifests, linkerdServiceAnnotations } from "./manifests.js";

export const linkerd: MeshEmitter = {
  kind: "linkerd",
  title: "Linkerd",
  keys: ["failure_accrual", "serviceprofile", "retry_budget"],
  // Linkerd retries at once.
  backoffMs: () => 0,
  // Its proxy reconnects by itself; it cannot be told to retry connection failures only.
  retriesConnectFailuresAlone: false,
  serviceAnnotations: linkerdServiceAnnotations,
  manifests: linkerdManifests,
};
