// The literal a generated HTTP client bakes in (runtime ServiceDefinition), from the model.
import type { ServiceModel } from "../../model/types.js";
import type { ServiceDefinition } from "../../runtime/types.js";

export function serviceDefinitionOf(s: ServiceModel): ServiceDefinition {
  return {
    name: s.key,
    url: s.url,
    scheme: s.scheme,
    host: s.host,
    port: s.port,
    basePath: s.basePath,
    ...(s.namespace !== undefined ? { namespace: s.namespace } : {}),
    discovery: {
      kind: s.discovery.kind,
      ...(s.discovery.headlessName !== undefined ? { headlessName: s.discovery.headlessName } : {}),
      endpoints: s.discovery.endpoints,
      ...(s.discovery.refreshMs !== undefined ? { refreshMs: s.discovery.refreshMs } : {}),
      dnsServers: s.discovery.dnsServers,
    },
    policy: s.policy,
    healthPath: s.healthPath,
    readyPath: s.readyPath,
  };
}
