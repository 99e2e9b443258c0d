// The caller's egress NetworkPolicy through the real pipeline stages (config parser → resolve → emitYaml → lint):
// the whole egress list, the strict Kubernetes schema, the lint findings at their TOML lines, and no file unless asked.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { formatDiagnostic, parseConfig } from "../../../src/config/index.js";
import { locateKeys } from "../../../src/config/locate.js";
import { emitYaml, validateManifests } from "../../../src/emit/yaml/index.js";
import { lint } from "../../../src/lint/index.js";
import type { Model } from "../../../src/model/types.js";
import { buildModel } from "../../../src/resolve/build.js";
import { REPO_ROOT, schemaErrors } from "./schemas.js";

const CALLER = `[service]
name = "order-api"
namespace = "shop"
labels = { app = "order-api", tier = "backend" }
network_policy = true
`;

const CALLEES = `
[defaults]
namespace = "shop"

[external_services.auth_service]
url = "http://auth-api:8080"
grpc_port = 8081
discovery = "headless"

[external_services.payments_service]
url = "http://payments-api:9090"
namespace = "payments"

[external_services.stripe]
url = "https://api.stripe.com"
`;

/** Through the real parser and resolve step, as `svcgen gen` runs them (no specs needed for manifests). */
function build(text: string): Model {
  const parsed = parseConfig(text, "services.toml");
  expect(parsed.diagnostics.map(formatDiagnostic)).toEqual([]);
  const positions = locateKeys(text);
  const built = buildModel(parsed.config!, new Map(), (keyPath) => {
    const at = positions.key(keyPath);
    return at ? { file: "services.toml", line: at.line, column: at.column } : undefined;
  });
  expect(built.diagnostics).toEqual([]);
  expect(validateManifests(built.model!)).toEqual([]);
  return built.model!;
}

function policyFile(model: Model): { content: string; doc: Record<string, unknown> & { spec: { egress: unknown[] } } } | undefined {
  const file = emitYaml(model).find((f) => f.path === "k8s/network-policy.yaml");
  return file && { content: file.content, doc: parse(file.content) as never };
}

const line = (text: string, start: string): number => text.split("\n").findIndex((l) => l.startsWith(start)) + 1;

const dns = {
  to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};
const inNamespace = (namespace: string, app: string) => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
  podSelector: { matchLabels: { app } },
});
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));

describe("k8s/network-policy.yaml", () => {
  const text = CALLER + CALLEES;
  const model = build(text);
  const file = policyFile(model)!;

  it("allows each in-cluster callee's pods on their target ports (HTTP and gRPC), in their namespace, plus DNS, and nothing else", () => {
    expect(file.doc).toEqual({
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "order-api-egress", namespace: "shop", labels: { "app.kubernetes.io/managed-by": "svcgen" } },
      spec: {
        podSelector: { matchLabels: { app: "order-api", tier: "backend" } },
        policyTypes: ["Egress"],
        egress: [
          { to: [inNamespace("shop", "auth-api")], ports: tcp(8080, 8081) },
          { to: [inNamespace("payments", "payments-api")], ports: tcp(9090) },
          dns,
        ],
      },
    });
  });

  it("uses the selector and the targetPorts of the Services gen writes for the callees", () => {
    for (const [key, rule] of [["auth_service", 0], ["payments_service", 1]] as const) {
      const service = parse(emitYaml(model).find((f) => f.path === `k8s/${key}/service.yaml`)!.content) as {
        metadata: { namespace: string };
        spec: { selector: Record<string, string>; ports: Array<{ targetPort: number }> };
      };
      const egress = file.doc.spec.egress[rule] as { to: Array<ReturnType<typeof inNamespace>>; ports: Array<{ port: number }> };
      expect(egress.to[0]!.podSelector.matchLabels).toEqual(service.spec.selector);
      expect(egress.to[0]!.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]).toBe(service.metadata.namespace);
      expect(egress.ports.map((p) => p.port)).toEqual(service.spec.ports.map((p) => p.targetPort));
    }
  });

  it("validates against the strict Kubernetes NetworkPolicy schema, which rejects unknown fields", () => {
    expect(schemaErrors("networking.k8s.io/v1/NetworkPolicy", file.doc)).toEqual([]);
    const broken = { ...file.doc, spec: { ...(file.doc.spec as object), egres: [] } };
    expect(schemaErrors("networking.k8s.io/v1/NetworkPolicy", broken)).toEqual([
      '/spec must NOT have additional properties {"additionalProperty":"egres"}',
    ]);
  });

  it("says in its header what it allows and which callees it cannot", () => {
    expect(file.content.split("\n").slice(0, 7)).toEqual([
      "# generated by svcgen — do not edit",
      "# source: services.toml → [service] order-api",
      "# Egress of order-api's pods: the pods of each in-cluster external_services entry on the ports they listen on",
      "# (its Service's targetPorts), and DNS (kube-dns, UDP and TCP 53). Everything else is denied.",
      "# Not allowed, outside the cluster (no pods to select; an ipBlock needs fixed IPs): stripe.",
      "# Enforced only by a CNI that implements NetworkPolicy; a mesh proxy also needs a policy for its control plane.",
      'apiVersion: "networking.k8s.io/v1"',
    ]);
  });

  it("lint warns about the callee outside the cluster, at its url", () => {
    expect(lint(model).map(formatDiagnostic)).toEqual([
      `services.toml:${line(text, 'url = "https://api.stripe.com"')}:1: warning: stripe: network_policy blocks calls to api.stripe.com: it is not a Service in this cluster, so there are no pods to select (and an ipBlock needs fixed IP addresses); allow it with a NetworkPolicy of your own or an egress gateway [SVC116]`,
    ]);
  });
});

describe("namespaces, ports and labels the policy cannot take from the callee", () => {
  it("puts a callee without a namespace in the caller's, and warns when neither is known", () => {
    const callee = '\n[external_services.users_service]\nurl = "http://users-api:8080"\n';
    const withCaller = policyFile(build(CALLER + callee))!.doc;
    expect(withCaller.spec.egress[0]).toEqual({ to: [inNamespace("shop", "users-api")], ports: tcp(8080) });

    const text = `[service]\nname = "order-api"\nnetwork_policy = true\n${callee}`;
    const model = build(text);
    const doc = policyFile(model)!.doc;
    // No namespace anywhere: the peer matches pods in the namespace the policy is applied to.
    expect(doc.spec.egress).toEqual([{ to: [{ podSelector: { matchLabels: { app: "users-api" } } }], ports: tcp(8080) }, dns]);
    expect(doc.metadata).toEqual({ name: "order-api-egress", labels: { "app.kubernetes.io/managed-by": "svcgen" } });
    // No labels: svcgen's convention, app: <name>.
    expect(doc.spec).toMatchObject({ podSelector: { matchLabels: { app: "order-api" } } });
    expect(schemaErrors("networking.k8s.io/v1/NetworkPolicy", doc)).toEqual([]);
    expect(lint(model).map(formatDiagnostic)).toEqual([
      `services.toml:${line(text, "url =")}:1: warning: users_service: network_policy knows no namespace for it (set namespace here, in [defaults] or in [service]): the rule allows its pods only in the namespace the policy is applied to [SVC118]`,
    ]);
  });

  it("warns when the port is the scheme's default or static endpoints dial another one", () => {
    const text = `${CALLER}
[external_services.users_service]
url = "https://users-api"

[external_services.ledger_service]
url = "http://ledger-api:8080"
discovery = "static"
endpoints = ["http://10.0.0.5:8080", "http://10.0.0.6:9000"]
`;
    const model = build(text);
    expect(policyFile(model)!.doc.spec.egress).toEqual([
      { to: [inNamespace("shop", "ledger-api")], ports: tcp(8080) },
      { to: [inNamespace("shop", "users-api")], ports: tcp(443) },
      dns,
    ]);
    expect(lint(model).map(formatDiagnostic)).toEqual([
      `services.toml:${line(text, 'url = "https://users-api"')}:1: warning: users_service: network_policy allows port 443 to its pods because the url names no port (https's default); if they listen on another port, write it in url [SVC117]`,
      `services.toml:${line(text, 'discovery = "static"')}:1: warning: ledger_service: network_policy allows its pods on port(s) 8080 only, but static endpoints are dialled on port(s) 9000: those calls are blocked [SVC117]`,
    ].sort());
  });

  it("selects the caller's pods by the same labels in the Istio Sidecar", () => {
    const text = `${CALLER}
[external_services.users_service]
url = "http://users-api:8080"
namespace = "shop"
mesh = { kind = "istio", sidecar = true }
`;
    const sidecar = parse(emitYaml(build(text)).find((f) => f.path === "istio/sidecar.yaml")!.content) as { spec: { workloadSelector: unknown } };
    expect(sidecar.spec.workloadSelector).toEqual({ labels: { app: "order-api", tier: "backend" } });
  });
});

describe("names that cannot go into the policy", () => {
  it("refuses a caller name that makes no DNS label, with the position of the name", () => {
    const parsed = parseConfig(`[service]\nname = "${"a".repeat(60)}"\nnetwork_policy = true\n`, "services.toml");
    expect(validateManifests(buildModel(parsed.config!, new Map()).model!).map(formatDiagnostic)).toEqual([
      `services.toml:2:1: error: NetworkPolicy name ([service] name + "-egress") "${"a".repeat(60)}-egress" cannot go into a manifest: it must be an RFC 1123 label (lower-case letters, digits and '-', alphanumeric at both ends, at most 63 characters)`,
    ]);
  });
});

describe("without network_policy = true", () => {
  it.each([["absent", ""], ["false", "network_policy = false\n"]])("writes no policy and lints nothing about it (%s)", (_name, line) => {
    const model = build(`[service]\nname = "order-api"\nnamespace = "shop"\n${line}${CALLEES}`);
    expect(model.caller).not.toHaveProperty("networkPolicy");
    expect(emitYaml(model).map((f) => f.path)).toEqual([
      "k8s/auth_service/service-headless.yaml",
      "k8s/auth_service/service.yaml",
      "k8s/payments_service/service.yaml",
    ]);
    expect(lint(model)).toEqual([]);
  });
});

describe("the example's committed policy (generated/ from examples/services.toml)", () => {
  it("validates and allows the callees' ports, DNS and payments-api in its own namespace", () => {
    const doc = parse(readFileSync(path.join(REPO_ROOT, "generated/k8s/network-policy.yaml"), "utf8")) as {
      spec: { egress: Array<{ to: Array<ReturnType<typeof inNamespace>>; ports: Array<{ protocol: string; port: number }> }> };
    };
    expect(schemaErrors("networking.k8s.io/v1/NetworkPolicy", doc)).toEqual([]);
    expect(
      doc.spec.egress.map((rule) => [
        rule.to[0]!.namespaceSelector.matchLabels["kubernetes.io/metadata.name"],
        Object.values(rule.to[0]!.podSelector.matchLabels).join(),
        rule.ports.map((p) => `${p.protocol}/${p.port}`).join(" "),
      ]),
    ).toEqual([
      ["default", "auth-api", "TCP/8080 TCP/8081"],
      ["payments", "payments-api", "TCP/8080"],
      ["default", "users-api", "TCP/8080"],
      ["kube-system", "kube-dns", "UDP/53 TCP/53"],
    ]);
  });
});
