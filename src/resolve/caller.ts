// The calling service: its namespace, its pod labels and, with `network_policy = true`, its egress NetworkPolicy
// resolved against the callees' generated Services (their selectors and targetPorts, from each service's kube).
import type { CallerConfig } from "../config/types.js";
import type { CallerModel, EgressPeer, NetworkPolicyModel, ServiceModel } from "../model/types.js";

export function resolveCaller(config: CallerConfig, services: readonly ServiceModel[]): CallerModel {
  // svcgen's own convention for pods (the generated Services' selectors): `app: <name>`.
  const labels = sortRecord(config.labels ?? { app: config.name });
  const caller: CallerModel = {
    name: config.name,
    location: config.location,
    ...(config.namespace !== undefined ? { namespace: config.namespace } : {}),
    labels,
  };
  if (config.networkPolicy) caller.networkPolicy = networkPolicy(config.networkPolicy.location, config.namespace, services);
  return caller;
}

function networkPolicy(
  location: NetworkPolicyModel["location"],
  callerNamespace: string | undefined,
  services: readonly ServiceModel[],
): NetworkPolicyModel {
  const peers: EgressPeer[] = [];
  const outside: string[] = [];
  // `services` comes sorted by key from buildModel.
  for (const service of services) {
    const kube = service.mesh.kube;
    if (!kube) {
      outside.push(service.key);
      continue;
    }
    // NetworkPolicy matches after the Service's DNAT: the pods' ports, not the Service's.
    const ports = kube.grpcTargetPort !== undefined ? [kube.httpTargetPort, kube.grpcTargetPort] : [kube.httpTargetPort];
    // A bare host resolves in the caller's own namespace (the pod's DNS search path), so that is where its pods are.
    const namespace = kube.namespace ?? callerNamespace;
    const endpointPorts = service.discovery.kind === "static" ? service.discovery.endpoints.map((e) => e.port) : [];
    peers.push({
      service: service.key,
      ...(namespace !== undefined ? { namespace } : {}),
      selector: sortRecord(kube.selector),
      ports,
      defaultPort: !hasExplicitPort(service.url),
      unlistedEndpointPorts: [...new Set(endpointPorts.filter((p) => !ports.includes(p)))].sort((a, b) => a - b),
    });
  }
  return { location, peers, outside };
}

/** `http://users-api` (no port: 80 assumed) versus `http://users-api:8080`; the URL was checked by the config. */
function hasExplicitPort(url: string): boolean {
  return new URL(url).port !== "" || /^https?:\/\/[^/]*:(80|443)(\/|$)/i.test(url);
}

function sortRecord(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort(compare)) out[key] = record[key]!;
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
