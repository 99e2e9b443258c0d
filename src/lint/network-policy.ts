// Rules about the caller's egress NetworkPolicy (`[service] network_policy = true`): callees whose calls it would
// block or that it cannot place. The policy itself is resolved in the model (src/resolve/caller.ts).
import type { EgressPeer } from "../model/types.js";
import type { LintContext, Rule } from "./context.js";

function peerOf({ model, service }: LintContext): EgressPeer | undefined {
  return model.caller?.networkPolicy?.peers.find((peer) => peer.service === service.key);
}

/** SVC116: a host outside the cluster has no pods to select, and an ipBlock needs fixed IPs a host name does not give. */
export const egressOutsideCluster: Rule = ({ model, service, report }) => {
  if (!model.caller?.networkPolicy?.outside.includes(service.key)) return;
  report(
    "SVC116",
    `network_policy blocks calls to ${service.host}: it is not a Service in this cluster, so there are no pods to select (and an ipBlock needs fixed IP addresses); allow it with a NetworkPolicy of your own or an egress gateway`,
    "url",
  );
};

/** SVC117: the policy allows the ports the callee's pods listen on; here that port is a guess or not the one dialled. */
export const egressPortUnknown: Rule = (ctx) => {
  const peer = peerOf(ctx);
  if (!peer) return;
  const { service, report } = ctx;
  if (peer.defaultPort) {
    report(
      "SVC117",
      `network_policy allows port ${service.port} to its pods because the url names no port (${service.scheme}'s default); if they listen on another port, write it in url`,
      "url",
    );
  }
  if (peer.unlistedEndpointPorts.length > 0) {
    report(
      "SVC117",
      `network_policy allows its pods on port(s) ${peer.ports.join(", ")} only, but static endpoints are dialled on port(s) ${peer.unlistedEndpointPorts.join(", ")}: those calls are blocked`,
      "discovery",
      "url",
    );
  }
};

/** SVC118: without a namespace, the rule can only match the callee's pods in the policy's own namespace. */
export const egressNamespaceUnknown: Rule = (ctx) => {
  const peer = peerOf(ctx);
  if (!peer || peer.namespace !== undefined) return;
  ctx.report(
    "SVC118",
    "network_policy knows no namespace for it (set namespace here, in [defaults] or in [service]): the rule allows its pods only in the namespace the policy is applied to",
    "namespace",
    "url",
  );
};
