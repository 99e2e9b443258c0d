// ajv validators for the manifest schemas in test/fixtures/manifest-schemas (copied unmodified from the team's shared folder, sources in its README; only `$schema` is dropped
// here because ajv does not ship the draft it names). Kubernetes extensions (`x-kubernetes-*`, `nullable`) are
// annotations to ajv; IntOrString and Gateway API durations get formats of their own.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import formatsModule from "ajv-formats";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const SCHEMA_ROOT = path.resolve(REPO_ROOT, "test/fixtures/manifest-schemas");

type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats = ((formatsModule as unknown as { default?: FormatsPlugin }).default ??
  (formatsModule as unknown as FormatsPlugin)) as FormatsPlugin;

export const SCHEMA_FILES = {
  "v1/Service": "k8s-v1.32-strict_service-v1.json",
  "networking.k8s.io/v1/NetworkPolicy": "k8s-v1.32-strict_networkpolicy-networking-v1.json",
  "networking.istio.io/v1/VirtualService": "crds/networking.istio.io_virtualservice_v1.json",
  "networking.istio.io/v1/DestinationRule": "crds/networking.istio.io_destinationrule_v1.json",
  "networking.istio.io/v1/Sidecar": "crds/networking.istio.io_sidecar_v1.json",
  "linkerd.io/v1alpha2/ServiceProfile": "crds/linkerd.io_serviceprofile_v1alpha2.json",
  "policy.linkerd.io/v1beta3/HTTPRoute": "crds/policy.linkerd.io_httproute_v1beta3.json",
  "gateway.networking.k8s.io/v1/HTTPRoute": "crds/gateway.networking.k8s.io_httproute_v1.json",
  "gateway.networking.k8s.io/v1/GRPCRoute": "crds/gateway.networking.k8s.io_grpcroute_v1.json",
} as const;

export type SchemaKey = keyof typeof SCHEMA_FILES;

function makeAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // Kubernetes IntOrString: formats only see strings (any string is fine); integers pass the schemas' `type`.
  ajv.addFormat("int-or-string", { type: "string", validate: () => true });
  // Gateway API (GEP-2257) durations, not ISO 8601 as in ajv-formats.
  ajv.addFormat("duration", /^([0-9]{1,5}(h|m|s|ms)){1,4}$/);
  return ajv;
}

const ajv = makeAjv();
const cache = new Map<SchemaKey, ValidateFunction>();

export function validator(key: SchemaKey): ValidateFunction {
  let validate = cache.get(key);
  if (!validate) {
    const schema = JSON.parse(readFileSync(path.join(SCHEMA_ROOT, SCHEMA_FILES[key]), "utf8")) as Record<string, unknown>;
    delete schema.$schema;
    validate = ajv.compile(schema);
    cache.set(key, validate);
  }
  return validate;
}

/** Schema errors as readable lines (empty when valid). */
export function schemaErrors(key: SchemaKey, document: unknown): string[] {
  const validate = validator(key);
  if (validate(document)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}
