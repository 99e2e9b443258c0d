// Where the callee lives in Kubernetes, from its URL host. Only hosts that are cluster Service names get manifests:
// `users-api`, `users-api.<ns>` (when <ns> is the configured namespace), `users-api.<ns>.svc` and
// `users-api.<ns>.svc.<cluster_domain>` (default cluster.local). IPs and other domains are outside the cluster.
import type { MeshSettings } from "../config/types.js";
import type { KubeService } from "../model/types.js";
import { DEFAULT_CLUSTER_DOMAIN } from "../runtime/vocabulary.js";
import { RULES, isPortNameShape } from "./names.js";
import type { MeshReport } from "./report.js";
import type { ServiceBase } from "./service.js";

/** Characters a host label may carry into a name; RFC 1035 itself is the lint's business (SVC109). */
const NAME_CHARS = /^[a-z0-9_-]{1,253}$/;

export function resolveKube(service: ServiceBase, settings: MeshSettings, reader: MeshReport): KubeService | undefined {
  const place = clusterPlace(service);
  if (!place) return undefined;
  if (!NAME_CHARS.test(place.name)) return undefined;
  if (place.namespace !== undefined && service.namespace !== undefined && place.namespace !== service.namespace) {
    reader.diagnostics.push({
      severity: "error",
      code: "mesh/namespace",
      message: `the host ${JSON.stringify(service.host)} names namespace "${place.namespace}" but namespace is "${service.namespace}"`,
      location: reader.at(["namespace"]),
    });
  }
  const namespace = place.namespace ?? service.namespace;
  const portName = (key: "http_port_name" | "grpc_port_name", fallback: string): string => {
    const name = settings[key];
    if (name === undefined) return fallback;
    if (isPortNameShape(name)) return name;
    reader.error("mesh/invalid", `${reader.name([key])} must be ${RULES.portName}, got ${JSON.stringify(name)}`, [key]);
    return fallback;
  };
  const defaultHttp = service.scheme === "https" ? "https" : "http";
  // The generated Services select `app: <name>` and forward each port to the same port on the pods.
  const kube: KubeService = {
    name: place.name,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(service.discovery.clusterDomain !== undefined ? { clusterDomain: service.discovery.clusterDomain } : {}),
    selector: { app: place.name },
    httpPortName: portName("http_port_name", defaultHttp),
    httpTargetPort: service.port,
    grpcPortName: portName("grpc_port_name", "grpc"),
    ...(service.grpcPort !== undefined ? { grpcTargetPort: service.grpcPort } : {}),
    grpcAppProtocol: settings.grpc_app_protocol ?? "grpc",
  };
  if (service.discovery.kind === "headless") {
    // A configured headless name may be a DNS name; the Service is its first label.
    kube.headlessName = service.discovery.headlessName?.split(".")[0] ?? `${place.name}-headless`;
  }
  if (service.grpcPort !== undefined && service.grpcPort === service.port) {
    reader.diagnostics.push({
      severity: "error",
      code: "mesh/ports",
      message: `grpc_port ${service.grpcPort} is also the URL's port; a Service cannot expose one port twice`,
      location: reader.at(["grpc_port"]),
    });
  }
  if (kube.httpPortName === kube.grpcPortName && service.grpcPort !== undefined) {
    reader.error("mesh/ports", `the HTTP and gRPC ports are both named "${kube.httpPortName}"`, ["grpc_port_name"]);
  }
  return kube;
}

function clusterPlace(service: ServiceBase): { name: string; namespace?: string } | undefined {
  const host = service.host.toLowerCase();
  if (/^[0-9.]+$/.test(host) || host.includes(":") || host.startsWith("[")) return undefined;
  const labels = host.split(".");
  const [name, second] = labels;
  if (name === undefined || name === "") return undefined;
  if (labels.length === 1) return { name };
  if (labels.length === 2 && second === service.namespace) return { name, namespace: second };
  if (labels.length === 3 && labels[2] === "svc") return { name, namespace: second! };
  const domain = (service.discovery.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN).toLowerCase();
  if (labels.length > 3 && labels.slice(2).join(".") === `svc.${domain}`) return { name, namespace: second! };
  return undefined;
}
