// The Handlebars templates under templates/, compiled once with `noEscape` (YAML is not HTML) and `strict`.
// Every value goes through `json`, which writes a JSON scalar: JSON strings are valid double-quoted YAML scalars,
// so no value can add a key, a line or a comment, whatever it contains.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";

/** A template's path under templates/ without `.yaml.hbs`: `<folder>/<resource>` (`istio/virtual-service`). */
export type TemplateName = `${string}/${string}`;

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

let engine: typeof Handlebars | undefined;
const compiled = new Map<TemplateName, Handlebars.TemplateDelegate>();
const OPTIONS = { noEscape: true, strict: true };

function load(): typeof Handlebars {
  const hb = Handlebars.create();
  hb.registerHelper("json", (value: unknown) => yamlScalar(value));
  hb.registerHelper("defined", (value: unknown) => value !== undefined && value !== null);
  for (const name of PARTIALS) {
    hb.registerPartial(name, hb.compile(readFileSync(path.join(TEMPLATE_ROOT, "partials", `${name}.hbs`), "utf8"), OPTIONS));
  }
  return hb;
}

/** Renders one template; a template is read and compiled on first use (a mesh's folder names its own templates). */
export function renderTemplate(name: TemplateName, view: object): string {
  engine ??= load();
  let template = compiled.get(name);
  if (!template) {
    if (!/^[a-z0-9-]+\/[a-z0-9-]+$/.test(name)) throw new Error(`no template ${name}`);
    template = engine.compile(readFileSync(path.join(TEMPLATE_ROOT, `${name}.yaml.hbs`), "utf8"), OPTIONS);
    compiled.set(name, template);
  }
  return template(view);
}
