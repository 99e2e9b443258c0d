// core/v1 Services for one callee: the ClusterIP Service (ports from the URL and grpc_port) and, with headless
// discovery, the headless Service the client resolves pod by pod. Linkerd's policy annotations live on the Service.
import type { Model, ServiceModel } from "../../../model/types.js";
import { type MeshWithKube, type MetadataView, metadata, sourceOf } from "../common.js";
import type { Guard } from "../guard.js";
import type { Manifest } from "../render.js";

export interface ServicePortView {
  name: string;
  port: number;
  targetPort: number;
  protocol: "TCP";
  appProtocol: string;
}

export interface ServiceView {
  apiVersion: "v1";
  kind: "Service";
  metadata: MetadataView;
  spec: {
    type?: "ClusterIP";
    clusterIP?: "None";
    ports: ServicePortView[];
    selector: Record<string, string>;
  };
}

export function servicePorts(service: ServiceModel, mesh: MeshWithKube, guard: Guard): ServicePortView[] {
  const ports: ServicePortView[] = [
    {
      name: guard.portName(mesh.kube.httpPortName, service.location),
      port: service.port,
      targetPort: mesh.kube.httpTargetPort,
      protocol: "TCP",
      appProtocol: service.scheme,
    },
  ];
  if (service.grpcPort !== undefined) {
    ports.push({
      name: guard.portName(mesh.kube.grpcPortName, service.location),
      port: service.grpcPort,
      targetPort: mesh.kube.grpcTargetPort ?? service.grpcPort,
      protocol: "TCP",
      appProtocol: mesh.kube.grpcAppProtocol,
    });
  }
  return ports;
}

export function serviceManifests(
  model: Model,
  service: ServiceModel,
  mesh: MeshWithKube,
  annotations: Record<string, string>,
  guard: Guard,
): Manifest[] {
  const { kube } = mesh;
  const app = guard.labels(kube.selector, "selector", service.location);
  const ports = servicePorts(service, mesh, guard);
  const source = sourceOf(model, service);
  const clusterIp: ServiceView = {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(kube.name, kube, service, guard, { labels: app, annotations }),
    spec: { type: "ClusterIP", ports, selector: app },
  };
  const manifests: Manifest[] = [
    { path: `k8s/${service.key}/service.yaml`, template: "k8s/service", view: clusterIp, source },
  ];
  if (kube.headlessName !== undefined) {
    const headless: ServiceView = {
      apiVersion: "v1",
      kind: "Service",
      metadata: metadata(kube.headlessName, kube, service, guard, { labels: app }),
      spec: { clusterIP: "None", ports, selector: app },
    };
    manifests.push({ path: `k8s/${service.key}/service-headless.yaml`, template: "k8s/service", view: headless, source });
  }
  return manifests;
}
