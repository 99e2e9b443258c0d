// The literal a generated HTTP client bakes in (runtime ServiceDefinition), from the model.
import type { SecuritySchemeModel, ServiceModel } from "../../model/types.js";
import type { SecuritySchemeDefinition } from "../../runtime/auth/types.js";
import type { ServiceDefinition } from "../../runtime/types.js";

/** Schemes a service without spec schemes (acton-service form, gRPC) takes: `auth: { bearer }` or `auth: { basic }`. */
export const IMPLIED_SCHEMES: Readonly<Record<string, SecuritySchemeModel>> = {
  basic: { kind: "basic", type: "http" },
  bearer: { kind: "bearer", type: "http" },
};
const IMPLIED_SECURITY = [["bearer"], ["basic"]];

/** The schemes a client sends: the spec's, or the implied `bearer`/`basic` when the spec defines none. */
export function schemesOf(s: ServiceModel): { schemes: Readonly<Record<string, SecuritySchemeModel>>; security?: string[][] } {
  const own = s.openapi?.securitySchemes ?? {};
  if (Object.keys(own).length === 0) return { schemes: IMPLIED_SCHEMES, security: IMPLIED_SECURITY };
  return { schemes: own, ...(s.openapi?.security !== undefined ? { security: s.openapi.security } : {}) };
}

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
    securitySchemes: Object.fromEntries(Object.entries(schemesOf(s).schemes).map(([name, m]) => [name, schemeDefinition(m)])),
    ...(schemesOf(s).security !== undefined ? { security: schemesOf(s).security } : {}),
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
