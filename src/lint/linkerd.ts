import type { Rule } from "./context.js";

/** SVC106: with a ServiceProfile, Linkerd ignores the retry and timeout annotations svcgen writes on the Service. */
export const profileWithAnnotations: Rule = ({ mesh, report }) => {
  if (mesh.kind !== "linkerd" || !mesh.serviceProfile) return;
  report(
    "SVC106",
    "Linkerd ignores the Service's retry and timeout annotations (and HTTPRoute retries) while a ServiceProfile exists; drop mesh.serviceprofile unless you need it",
    "mesh.serviceprofile",
  );
};
