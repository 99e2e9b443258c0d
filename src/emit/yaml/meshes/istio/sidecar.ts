// The caller's Istio Sidecar: its egress is exactly its dependencies (every [external_services] host), and
// REGISTRY_ONLY keeps everything else out. Written once per model when any Istio service sets `sidecar = true`.
import type { Model } from "../../../../model/types.js";
import { MANAGED_BY, type MetadataView, clusterHost } from "../../common.js";
import type { Guard } from "../../guard.js";
import type { Manifest } from "../../render.js";

export interface SidecarView {
  apiVersion: "networking.istio.io/v1";
  kind: "Sidecar";
  metadata: MetadataView;
  spec: {
    workloadSelector: { labels: Record<string, string> };
    egress: Array<{ hosts: string[] }>;
    outboundTrafficPolicy: { mode: "REGISTRY_ONLY" };
  };
}

const IP = /^[0-9.]+$|:/;

export function sidecarManifest(model: Model, guard: Guard): Manifest | undefined {
  const wanted = model.services.filter((s) => s.mesh.kind === "istio" && s.mesh.sidecar);
  if (wanted.length === 0) return undefined;
  const first = wanted[0]!;
  if (!model.caller) {
    guard.fail(`mesh.sidecar needs the caller's name: set [service] name`, first.location);
    return undefined;
  }
  const caller = model.caller;
  guard.dnsLabel(caller.name, "[service] name (the Sidecar's name and workload label)", caller.location);
  const hosts = new Set<string>();
  for (const service of model.services) {
    const kube = service.mesh.kube;
    if (kube) {
      if (kube.namespace === undefined) {
        guard.fail(
          `mesh.sidecar lists every dependency as <namespace>/<host>: set namespace for ${service.key}`,
          service.location,
        );
        continue;
      }
      hosts.add(`${kube.namespace}/${clusterHost(kube)}`);
    } else if (!IP.test(service.host)) {
      // Outside the cluster: allowed wherever a ServiceEntry for it lives.
      hosts.add(`*/${guard.name(service.host, "host", service.location)}`);
    }
  }
  if (hosts.size === 0) {
    guard.fail("mesh.sidecar: no dependency has a DNS name to allow", first.location);
    return undefined;
  }
  const view: SidecarView = {
    apiVersion: "networking.istio.io/v1",
    kind: "Sidecar",
    metadata: { name: caller.name, labels: { ...MANAGED_BY } },
    spec: {
      workloadSelector: { labels: guard.labels(caller.labels, "[service] labels", caller.location) },
      egress: [{ hosts: [...hosts].sort() }],
      outboundTrafficPolicy: { mode: "REGISTRY_ONLY" },
    },
  };
  return { path: "istio/sidecar.yaml", template: "istio/sidecar", view, source: `${model.configFile} → [service] ${caller.name}` };
}
