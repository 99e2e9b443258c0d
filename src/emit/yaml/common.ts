// Pieces every view shares: metadata, the Service's cluster host name, the `# source:` text.
import type { KubeService, Model, OperationModel, ResolvedMesh, ServiceModel } from "../../model/types.js";
import { DEFAULT_CLUSTER_DOMAIN } from "../../runtime/vocabulary.js";
import type { Guard } from "./guard.js";

export interface MetadataView {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}

export const MANAGED_BY = { "app.kubernetes.io/managed-by": "svcgen" } as const;

export function metadata(
  name: string,
  kube: KubeService,
  service: ServiceModel,
  guard: Guard,
  extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): MetadataView {
  const labels = guard.labels({ ...(extra.labels ?? {}), ...MANAGED_BY }, "label", service.location);
  const annotations = extra.annotations ?? {};
  for (const key of Object.keys(annotations)) guard.text(annotations[key]!, `annotation ${key}`, service.location);
  return {
    name: guard.name(name, "name", service.location),
    ...(kube.namespace !== undefined ? { namespace: guard.dnsLabel(kube.namespace, "namespace", service.location) } : {}),
    labels,
    ...(Object.keys(annotations).length > 0 ? { annotations: sortRecord(annotations) } : {}),
  };
}

/** The name Istio and Linkerd know the Service by: the cluster FQDN when the namespace is known. */
export function clusterHost(kube: KubeService): string {
  return kube.namespace !== undefined ? `${kube.name}.${kube.namespace}.svc.${kube.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN}` : kube.name;
}

export function sourceOf(model: Model, service: ServiceModel): string {
  return `${model.configFile} → ${service.key}${service.openapi ? ` (${service.openapi.file})` : ""}`;
}

export function sortRecord<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key]!;
  return out;
}

export type MeshWithKube = ResolvedMesh & { kube: KubeService };

/** The service's OpenAPI operations named in a route policy (the model refers to them by name), in that order. */
export function operationsNamed(service: ServiceModel, names: readonly string[]): OperationModel[] {
  const byName = new Map((service.openapi?.operations ?? []).map((op) => [op.name, op]));
  return names.map((name) => {
    const op = byName.get(name);
    if (op === undefined) throw new Error(`svcgen bug: ${service.key} has no operation ${name}`);
    return op;
  });
}
