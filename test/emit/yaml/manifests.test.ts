import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { GENERATED_MARKER } from "../../../src/emit/files.js";
import { emitYaml, planManifests } from "../../../src/emit/yaml/index.js";
import { renderManifest } from "../../../src/emit/yaml/render.js";
import { isDnsLabel, isDnsSubdomain, isLabelKey, isLabelValue, isRfc1035Label } from "../../../src/mesh/names.js";
import { exampleModel } from "./example-model.js";
import { type SchemaKey, schemaErrors } from "./schemas.js";

interface Doc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, unknown> };
  spec: unknown;
}

const files = emitYaml(exampleModel());
const docs = files.map((f) => ({ path: f.path, doc: parse(f.content) as Doc }));

describe("emitYaml output", () => {
  it("writes the documented layout, one resource per file", () => {
    expect(files.map((f) => f.path)).toEqual([
      "istio/auth_service/destination-rule.yaml",
      "istio/auth_service/virtual-service.yaml",
      "istio/sidecar.yaml",
      "istio/users_service/destination-rule.yaml",
      "istio/users_service/virtual-service.yaml",
      "k8s/auth_service/service.yaml",
      "k8s/ledger_service/service.yaml",
      "k8s/orders_service/service.yaml",
      "k8s/payments_service/service.yaml",
      "k8s/search_service/service.yaml",
      "k8s/users_service/service-headless.yaml",
      "k8s/users_service/service.yaml",
      "linkerd/ledger_service/grpc-route-grpc-30s.yaml",
      "linkerd/ledger_service/grpc-route-grpc-default.yaml",
      "linkerd/ledger_service/grpc-route-grpc-no-retry.yaml",
      "linkerd/orders_service/http-route-2s.yaml",
      "linkerd/orders_service/http-route-default.yaml",
      "linkerd/payments_service/http-route-2s.yaml",
      "linkerd/payments_service/http-route-default.yaml",
      "linkerd/payments_service/http-route-no-retry.yaml",
      "linkerd/payments_service/service-profile.yaml",
    ]);
  });

  it("starts every file with the marker and a source line", () => {
    for (const f of files) {
      const [first, second, third] = f.content.split("\n");
      expect(first).toBe(`# ${GENERATED_MARKER}`);
      expect(second).toMatch(/^# source: services\.toml → /);
      expect(third).toMatch(/^apiVersion: /);
    }
  });

  it("is deterministic", () => {
    expect(emitYaml(exampleModel())).toEqual(files);
  });

  it("parses back to exactly the view each template was fed", () => {
    for (const manifest of planManifests(exampleModel()).manifests) {
      const rendered = renderManifest(manifest);
      expect(parse(rendered.content)).toEqual(manifest.view);
    }
  });
});

const SCHEMA_OF: Record<string, SchemaKey> = {
  "v1/Service": "v1/Service",
  "networking.istio.io/v1/VirtualService": "networking.istio.io/v1/VirtualService",
  "networking.istio.io/v1/DestinationRule": "networking.istio.io/v1/DestinationRule",
  "networking.istio.io/v1/Sidecar": "networking.istio.io/v1/Sidecar",
  "linkerd.io/v1alpha2/ServiceProfile": "linkerd.io/v1alpha2/ServiceProfile",
  "policy.linkerd.io/v1beta3/HTTPRoute": "policy.linkerd.io/v1beta3/HTTPRoute",
  "gateway.networking.k8s.io/v1/GRPCRoute": "gateway.networking.k8s.io/v1/GRPCRoute",
};

describe("every manifest validates", () => {
  it.each(docs.map((d) => [d.path, d.doc] as const))("%s against its schema", (_path, doc) => {
    const key = SCHEMA_OF[`${doc.apiVersion}/${doc.kind}`];
    expect(key, `no schema for ${doc.apiVersion} ${doc.kind}`).toBeDefined();
    expect(schemaErrors(key!, doc)).toEqual([]);
  });

  it.each(docs.map((d) => [d.path, d.doc] as const))("%s has valid apiVersion, kind and metadata", (_path, doc) => {
    expect(Object.keys(doc).sort()).toEqual(["apiVersion", "kind", "metadata", "spec"]);
    const { name, namespace, labels, annotations } = doc.metadata;
    expect(Object.keys(doc.metadata).every((k) => ["name", "namespace", "labels", "annotations"].includes(k))).toBe(true);
    // Services need RFC 1035 labels; everything else (ServiceProfile names are FQDNs) RFC 1123 subdomains.
    expect(doc.kind === "Service" ? isRfc1035Label(name) : isDnsSubdomain(name), name).toBe(true);
    if (namespace !== undefined) expect(isDnsLabel(namespace)).toBe(true);
    for (const [k, v] of Object.entries(labels ?? {})) expect(isLabelKey(k) && isLabelValue(v), `${k}=${v}`).toBe(true);
    for (const [k, v] of Object.entries(annotations ?? {})) expect(isLabelKey(k) && typeof v === "string", k).toBe(true);
  });

  it("Linkerd HTTPRoutes also validate as Gateway API HTTPRoutes", () => {
    const routes = docs.filter((d) => d.doc.kind === "HTTPRoute");
    expect(routes.length).toBeGreaterThan(0);
    for (const { doc } of routes) {
      expect(schemaErrors("gateway.networking.k8s.io/v1/HTTPRoute", { ...doc, apiVersion: "gateway.networking.k8s.io/v1" })).toEqual([]);
    }
  });

  it("the strict Service schema rejects an unknown field (the check has teeth)", () => {
    const service = docs.find((d) => d.doc.kind === "Service")!.doc;
    const broken = { ...service, spec: { ...(service.spec as object), portz: [] } };
    expect(schemaErrors("v1/Service", broken)).toEqual(['/spec must NOT have additional properties {"additionalProperty":"portz"}']);
  });

  it("the CRD schemas reject an unknown field too", () => {
    const vs = docs.find((d) => d.doc.kind === "VirtualService")!.doc;
    const broken = { ...vs, spec: { ...(vs.spec as object), htpp: [] } };
    expect(schemaErrors("networking.istio.io/v1/VirtualService", broken)).toEqual([
      '/spec must NOT have additional properties {"additionalProperty":"htpp"}',
    ]);
  });
});
