// The caller's egress NetworkPolicy (`[service] network_policy = true`): its pods may reach each in-cluster
// callee's pods on the ports they listen on, and DNS; everything else is denied. Resolved in the model
// (src/resolve/caller.ts); this only shapes the view.
// NetworkPolicy (networking.k8s.io/v1): peers in one `to` entry with both selectors mean "pods with these labels in
// namespaces with these labels"; ports are matched after the Service's DNAT, so they are the pods' (targetPorts).
import type { CallerModel, EgressPeer, Model, NetworkPolicyModel } from "../../../model/types.js";
import { MANAGED_BY, type MetadataView } from "../common.js";
import type { Guard } from "../guard.js";
import type { Manifest } from "../render.js";

/** Set by the API server on every namespace (Kubernetes 1.21+), so it selects one namespace by name. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** Where cluster DNS answers: CoreDNS keeps kube-dns's pod label in kube-system on kubeadm, GKE, EKS and AKS. */
export const KUBE_DNS = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, port: 53 } as const;

export interface LabelSelectorView {
  matchLabels: Record<string, string>;
}

export interface EgressPeerView {
  namespaceSelector?: LabelSelectorView;
  podSelector: LabelSelectorView;
}

export interface EgressRuleView {
  to: EgressPeerView[];
  ports: Array<{ protocol: "TCP" | "UDP"; port: number }>;
}

export interface NetworkPolicyView {
  apiVersion: "networking.k8s.io/v1";
  kind: "NetworkPolicy";
  metadata: MetadataView;
  spec: {
    podSelector: LabelSelectorView;
    policyTypes: ["Egress"];
    egress: EgressRuleView[];
  };
}

export const NETWORK_POLICY_PATH = "k8s/network-policy.yaml";

export function networkPolicyManifests(model: Model, guard: Guard): Manifest[] {
  const caller = model.caller;
  const policy = caller?.networkPolicy;
  if (!caller || !policy) return [];
  const at = policy.location;
  const egress = policy.peers.map((peer) => peerRule(peer, guard, at));
  egress.push({
    to: [
      {
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: KUBE_DNS.namespace } },
        podSelector: { matchLabels: { ...KUBE_DNS.labels } },
      },
    ],
    ports: [
      { protocol: "UDP", port: KUBE_DNS.port },
      // Answers too big for UDP are retried over TCP.
      { protocol: "TCP", port: KUBE_DNS.port },
    ],
  });
  const view: NetworkPolicyView = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: guard.dnsLabel(`${caller.name}-egress`, "NetworkPolicy name ([service] name + \"-egress\")", caller.location),
      ...(caller.namespace !== undefined ? { namespace: guard.dnsLabel(caller.namespace, "namespace", at) } : {}),
      labels: { ...MANAGED_BY },
    },
    spec: {
      podSelector: { matchLabels: guard.labels(caller.labels, "[service] labels", at) },
      policyTypes: ["Egress"],
      egress,
    },
  };
  return [{ path: NETWORK_POLICY_PATH, template: "k8s/network-policy", view, source: `${model.configFile} → [service] ${caller.name}`, notes: notes(caller, policy) }];
}

function peerRule(peer: EgressPeer, guard: Guard, at: NetworkPolicyModel["location"]): EgressRuleView {
  const podSelector = { matchLabels: guard.labels(peer.selector, `${peer.service} selector`, at) };
  const to: EgressPeerView =
    peer.namespace === undefined
      ? // No namespace known: a peer without namespaceSelector matches pods in the policy's own namespace.
        { podSelector }
      : { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: guard.dnsLabel(peer.namespace, "namespace", at) } }, podSelector };
  return { to: [to], ports: peer.ports.map((port) => ({ protocol: "TCP", port })) };
}

function notes(caller: CallerModel, policy: NetworkPolicyModel): string[] {
  const out = [
    `Egress of ${caller.name}'s pods: the pods of each in-cluster external_services entry on the ports they listen on`,
    "(its Service's targetPorts), and DNS (kube-dns, UDP and TCP 53). Everything else is denied.",
  ];
  if (policy.outside.length > 0) {
    out.push(
      `Not allowed, outside the cluster (no pods to select; an ipBlock needs fixed IPs): ${policy.outside.join(", ")}.`,
    );
  }
  out.push("Enforced only by a CNI that implements NetworkPolicy; a mesh proxy also needs a policy for its control plane.");
  return out;
}
