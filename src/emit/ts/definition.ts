// The literal a generated HTTP client bakes in (runtime ServiceDefinition), from the model.
import type { SecuritySchemeModel, ServiceModel } from "../../model/types.js";
import type { SecuritySchemeDefinition } from "../../runtime/auth/types.js";
import type { ServiceDefinition } from "../../runtime/types.js";

function schemeDefinition(m: SecuritySchemeModel): SecuritySchemeDefinition {
  return m.kind === "apiKey" ? { kind: "apiKey", in: m.in, name: m.name } : { kind: m.kind };
}

export function serviceDefinitionOf(s: ServiceModel): ServiceDefinition {
  // `mesh.http_port_name`, as src/mesh resolved it for the Service manifest (absent for hosts outside the cluster).
  const portName = s.mesh.kube?.httpPortName;
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
      // The runtime's default port name is the scheme, which is also the mesh's default: emitted only when renamed.
      ...(portName !== undefined && portName !== s.scheme ? { portName } : {}),
      ...(s.discovery.maxConnectionAgeMs !== undefined ? { maxConnectionAgeMs: s.discovery.maxConnectionAgeMs } : {}),
      ...(s.discovery.clusterDomain !== undefined ? { clusterDomain: s.discovery.clusterDomain } : {}),
    },
    policy: s.policy,
    healthPath: s.healthPath,
    readyPath: s.readyPath,
    securitySchemes: Object.fromEntries(Object.entries(s.security.schemes).map(([name, m]) => [name, schemeDefinition(m)])),
    ...(s.security.requirement !== undefined ? { security: s.security.requirement } : {}),
    // Names and paths only: the runtime reads the secrets, in the pod.
    ...(s.auth !== undefined ? { auth: s.auth } : {}),
    ...(s.tls !== undefined ? { tls: s.tls } : {}),
    ...operationServers(s),
  };
}

/** The operations' own servers, each with the method names that use it (sorted): describe() and ClientOptions.servers. */
function operationServers(s: ServiceModel): Pick<ServiceDefinition, "servers"> {
  const byUrl = new Map<string, string[]>();
  for (const op of s.openapi?.operations ?? []) {
    if (op.server !== undefined) byUrl.set(op.server, [...(byUrl.get(op.server) ?? []), op.name]);
  }
  if (byUrl.size === 0) return {};
  const urls = [...byUrl.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { servers: urls.map((url) => ({ url, operations: byUrl.get(url)!.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) })) };
}
