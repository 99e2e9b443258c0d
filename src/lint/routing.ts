// Rules about load balancing that the deployment cannot honour.
import type { Rule } from "./context.js";

/** SVC105: Istio's consistentHash is for the Service VIP; headless discovery calls pods directly. */
export const istioHashWithHeadless: Rule = ({ service, mesh, report }) => {
  if (mesh.kind !== "istio" || service.policy.loadBalancer !== "consistent_hash" || service.discovery.kind !== "headless") return;
  report(
    "SVC105",
    `the DestinationRule's consistent hashing${service.policy.hashHeader ? ` on ${service.policy.hashHeader}` : ""} does not apply with headless discovery: the client calls pod IPs directly, past Istio's load balancer`,
    "load_balancer",
    "discovery",
  );
};

/** SVC111: hashing on a header that no operation sends puts every call on one endpoint. */
export const hashHeaderNotSent: Rule = ({ service, report }) => {
  const header = service.policy.hashHeader;
  const spec = service.openapi;
  if (service.policy.loadBalancer !== "consistent_hash" || header === undefined || !spec) return;
  const sent = spec.operations.some((op) =>
    op.parameters.some((p) => p.in === "header" && p.name.toLowerCase() === header.toLowerCase()),
  );
  if (sent) return;
  report(
    "SVC111",
    `hash_header "${header}" is not a header parameter of any operation in ${spec.file}: calls without it fall back to round-robin and lose their endpoint affinity`,
    "hash_header",
  );
};

/** SVC114: through a ClusterIP, Linkerd balances each request itself (EWMA), so client-side hashing is lost. */
export const linkerdHashing: Rule = ({ service, mesh, report }) => {
  if (mesh.kind !== "linkerd" || service.policy.loadBalancer !== "consistent_hash" || service.discovery.kind !== "dns") return;
  report(
    "SVC114",
    `consistent hashing is lost under Linkerd with dns discovery: the proxy balances every request to the Service by latency (use discovery = "headless")`,
    "load_balancer",
  );
};
