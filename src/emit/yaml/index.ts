// model → Kubernetes and service-mesh YAML. Views are built (and every value checked) first, then rendered; the
// output layout, one resource per file:
//   k8s/<key>/service.yaml             ClusterIP Service (Linkerd annotations on it when mesh.kind = "linkerd")
//   k8s/<key>/service-headless.yaml    headless Service (discovery = "headless")
//   istio/<key>/virtual-service.yaml   istio/<key>/destination-rule.yaml
//   istio/sidecar.yaml                 the caller's Sidecar (any Istio service with sidecar = true)
//   linkerd/<key>/http-route-<policy>.yaml  per-operation policies (+ http-route-default.yaml)
//   linkerd/<key>/service-profile.yaml      serviceprofile = true
//   k8s/network-policy.yaml            the caller's egress NetworkPolicy ([service] network_policy = true)
// Services whose host is not a cluster Service name (an IP, an external domain) get no manifests.
import type { Diagnostic, Model } from "../../model/types.js";
import type { GeneratedFile } from "../files.js";
import type { MeshWithKube } from "./common.js";
import { Guard } from "./guard.js";
import { networkPolicyManifests } from "./k8s/network-policy.js";
import { serviceManifests } from "./k8s/service.js";
import { MESHES, meshFor } from "./meshes/index.js";
import { type Manifest, renderManifest } from "./render.js";

export interface ManifestPlan {
  manifests: Manifest[];
  /** Errors that stop rendering: values that cannot go into a manifest. */
  diagnostics: Diagnostic[];
}

/** Every manifest's view, built and checked; nothing is rendered. */
export function planManifests(model: Model): ManifestPlan {
  const guard = new Guard();
  const manifests: Manifest[] = [];
  for (const service of model.services) {
    if (!service.mesh.kube) continue;
    const mesh = service.mesh as MeshWithKube;
    const emitter = meshFor(mesh.kind);
    const annotations = emitter?.serviceAnnotations(service, mesh) ?? {};
    manifests.push(...serviceManifests(model, service, mesh, annotations, guard));
    if (emitter) manifests.push(...emitter.manifests(model, service, mesh, guard));
  }
  for (const emitter of MESHES) manifests.push(...(emitter.modelManifests?.(model, guard) ?? []));
  manifests.push(...networkPolicyManifests(model, guard));
  checkClashes(model, guard);
  return { manifests, diagnostics: guard.diagnostics };
}

/** Errors emitYaml would refuse on; run before emitting so they are reported with the other diagnostics. */
export function validateManifests(model: Model): Diagnostic[] {
  return planManifests(model).diagnostics;
}

export function emitYaml(model: Model): GeneratedFile[] {
  const plan = planManifests(model);
  if (plan.diagnostics.length > 0) {
    const first = plan.diagnostics[0]!;
    throw new Error(`cannot write manifests (${plan.diagnostics.length} problem(s)), first: ${first.message}`);
  }
  return plan.manifests.map(renderManifest).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Two keys naming the same Service would write two different manifests for one object. */
function checkClashes(model: Model, guard: Guard): void {
  const seen = new Map<string, string>();
  for (const service of model.services) {
    const kube = service.mesh.kube;
    if (!kube) continue;
    const id = `${kube.namespace ?? ""}/${kube.name}`;
    const other = seen.get(id);
    if (other !== undefined) {
      guard.fail(
        `${other} and ${service.key} both map to the Kubernetes Service ${JSON.stringify(kube.name)}${kube.namespace ? ` in namespace ${JSON.stringify(kube.namespace)}` : ""}; their manifests would overwrite each other`,
        service.location,
      );
    } else seen.set(id, service.key);
  }
}
