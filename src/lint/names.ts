// Rules about Kubernetes names the API server would reject.
import { isRfc1035Label } from "../mesh/names.js";
import type { Rule } from "./context.js";

function why(name: string): string {
  return name.length > 63
    ? `${name.length} characters, at most 63`
    : "it must start with a lower-case letter and contain only lower-case letters, digits and '-'";
}

/** SVC109: Service names must be RFC 1035 labels. */
export const serviceNames: Rule = ({ mesh, report }) => {
  const kube = mesh.kube;
  if (!kube) return;
  if (!isRfc1035Label(kube.name)) {
    report("SVC109", `Kubernetes Service name "${kube.name}" (from the URL host) breaks RFC 1035: ${why(kube.name)}`, "url");
  }
  if (kube.headlessName !== undefined && !isRfc1035Label(kube.headlessName)) {
    report(
      "SVC109",
      `headless Service name "${kube.headlessName}" breaks RFC 1035: ${why(kube.headlessName)}`,
      "headless_name",
      "url",
    );
  }
};

/** SVC110: Kubernetes port names are IANA service names, at most 15 characters. */
export const portNames: Rule = ({ service, mesh, report }) => {
  const kube = mesh.kube;
  if (!kube) return;
  const names: Array<[string, string]> = [[kube.httpPortName, "mesh.http_port_name"]];
  if (service.grpcPort !== undefined) names.push([kube.grpcPortName, "mesh.grpc_port_name"]);
  for (const [name, key] of names) {
    if (name.length > 15) report("SVC110", `port name "${name}" has ${name.length} characters; Kubernetes allows at most 15`, key);
  }
};
