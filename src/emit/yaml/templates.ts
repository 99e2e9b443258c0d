// The Handlebars templates under templates/, compiled once with `noEscape` (YAML is not HTML) and `strict`.
// Every value goes through `json`, which writes a JSON scalar: JSON strings are valid double-quoted YAML scalars,
// so no value can add a key, a line or a comment, whatever it contains.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";

export type TemplateName =
  | "k8s/service"
  | "istio/virtual-service"
  | "istio/destination-rule"
  | "istio/sidecar"
  | "linkerd/http-route"
  | "linkerd/service-profile"
  | "gateway/grpc-route";

const PARTIALS = ["metadata", "string-match", "parent-refs", "backend-refs"] as const;

/** The package root: src/emit/yaml/ and dist/emit/yaml/ both sit three levels below it. */
export const TEMPLATE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..", "templates");

/** Characters JSON.stringify leaves raw but YAML treats as breaks or forbids in a quoted scalar. */
const YAML_UNSAFE = /[\u007f-\u009f\u2028\u2029\ufeff]/g;

/** A YAML double-quoted scalar for a string, number or boolean; anything else is a bug in a view. */
export function yamlScalar(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value).replace(YAML_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  }
  if (typeof value === "number" && Number.isFinite(value)) return JSON.stringify(value);
  if (typeof value === "boolean") return String(value);
  throw new TypeError(`template value must be a string, finite number or boolean, got ${value === null ? "null" : typeof value}`);
}

let compiled: Map<TemplateName, Handlebars.TemplateDelegate> | undefined;

function load(): Map<TemplateName, Handlebars.TemplateDelegate> {
  const hb = Handlebars.create();
  hb.registerHelper("json", (value: unknown) => yamlScalar(value));
  hb.registerHelper("defined", (value: unknown) => value !== undefined && value !== null);
  const options = { noEscape: true, strict: true };
  for (const name of PARTIALS) {
    hb.registerPartial(name, hb.compile(readFileSync(path.join(TEMPLATE_ROOT, "partials", `${name}.hbs`), "utf8"), options));
  }
  const names: TemplateName[] = [
    "k8s/service",
    "istio/virtual-service",
    "istio/destination-rule",
    "istio/sidecar",
    "linkerd/http-route",
    "linkerd/service-profile",
    "gateway/grpc-route",
  ];
  const map = new Map<TemplateName, Handlebars.TemplateDelegate>();
  for (const name of names) {
    map.set(name, hb.compile(readFileSync(path.join(TEMPLATE_ROOT, `${name}.yaml.hbs`), "utf8"), options));
  }
  return map;
}

/** Renders one template; templates are read and compiled on first use. */
export function renderTemplate(name: TemplateName, view: object): string {
  compiled ??= load();
  const template = compiled.get(name);
  if (!template) throw new Error(`no template ${name}`);
  return template(view);
}
