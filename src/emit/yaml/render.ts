// View → YAML file: render the template, then parse the text back and require it to equal the view, so a template
// (or a value) that changed the document's shape can never reach the output.
import { isDeepStrictEqual } from "node:util";
import { parse } from "yaml";
import { GENERATED_MARKER, type GeneratedFile } from "../files.js";
import { type TemplateName, renderTemplate } from "./templates.js";

/** One manifest to write: which template, the plain view it is fed, and what it was generated from. */
export interface Manifest {
  /** Relative to the output folder. */
  path: string;
  template: TemplateName;
  view: object;
  /** For the `# source:` line, e.g. `services.toml → users_service`. */
  source: string;
  /** `#` comment lines after the source line: what a reader of the YAML must know that no field says. */
  notes?: readonly string[];
}

/** Text for a `#` comment: nothing may end the comment early. */
function commentText(text: string): string {
  return text.replace(/[\r\n\u2028\u2029\u0085]+/g, " ");
}

export function yamlHeader(source: string, notes: readonly string[] = []): string {
  return `# ${GENERATED_MARKER}\n# source: ${commentText(source)}\n${notes.map((note) => `# ${commentText(note)}\n`).join("")}`;
}

export function renderManifest(manifest: Manifest): GeneratedFile {
  const body = renderTemplate(manifest.template, manifest.view);
  const parsed: unknown = parse(body, { uniqueKeys: true, strict: true, schema: "core" });
  // JSON round trip drops nothing from a plain view but normalises it the way YAML parsing would (no undefined).
  const expected: unknown = JSON.parse(JSON.stringify(manifest.view));
  if (!isDeepStrictEqual(parsed, expected)) {
    throw new Error(`${manifest.path}: the rendered YAML does not match its view (template ${manifest.template})`);
  }
  return { path: manifest.path, content: `${yamlHeader(manifest.source, manifest.notes)}${body}` };
}
