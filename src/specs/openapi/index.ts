// OpenAPI input layer: one spec file (plus what it references) → OpenApiModel + Diagnostics.
// Bundles once with Redocly, walks the bundled document for operations, then hands the same document to
// openapi-typescript for the type text. Nothing from the spec is evaluated; text stays raw for the emitters.

import type { Source } from "@redocly/openapi-core";
import type { Diagnostic, OpenApiModel } from "../../model/types.js";
import { bundleSpec, redoclyConfig } from "./bundle.js";
import { lineColumn } from "./locate.js";
import { extractOperations } from "./operations.js";
import { readSecurity } from "./security.js";
import { relativeTo, scrubPaths } from "./paths.js";
import { isObject, own } from "./pointer.js";
import type { WalkProblem } from "./report.js";
import { checkSchemas } from "./schema-check.js";
import { schemaTyper, typesBody, typesSource } from "./types-source.js";
import { readableDocs } from "./readable-docs.js";

export { methodName, uniqueNames, type NamedOperation } from "./naming.js";

export interface OpenApiEntry {
  absPath: string;
  /** As written in services.toml, relative to the config directory. */
  relPath: string;
}

export interface OpenApiResult {
  /** Absent when any error-severity diagnostic was found. */
  model?: OpenApiModel;
  diagnostics: Diagnostic[];
}

export interface OpenApiOptions {
  /**
   * services.toml's `ref_roots` (relative to `configDir`): folders besides the spec's own that its `$ref`s may read.
   * Anything else is refused with a diagnostic at the `$ref`.
   */
  refRoots?: readonly string[];
  /**
   * How messages name a file that is missing (the entry, a `$ref`'d file): relative to the working directory.
   * Defaults to relative to `configDir`, like every location in the result.
   */
  show?: (abs: string) => string;
}

/**
 * Loads one OpenAPI 3.0/3.1 spec (JSON or YAML, multi-file `$ref`s allowed). Every path in the result is relative
 * to `configDir` with `/` separators; the model's `file` is the normalised form of `entry.relPath`.
 */
export async function loadOpenApi(entry: OpenApiEntry, configDir: string, options: OpenApiOptions = {}): Promise<OpenApiResult> {
  const file = relativeTo(configDir, entry.absPath);
  const bundled = await bundleSpec(entry.absPath, configDir, options.refRoots, options.show);
  const diagnostics = [...bundled.diagnostics];
  const { doc, root } = bundled;
  if (doc === undefined || root === undefined || diagnostics.some((d) => d.severity === "error")) {
    return { diagnostics: sortDiagnostics(diagnostics) };
  }

  const walkProblems: WalkProblem[] = [];
  const info = own(doc, "info");
  const title = isObject(info) ? own(info, "title") : undefined;
  const version = isObject(info) ? own(info, "version") : undefined;
  // Walk before openapi-typescript runs: its discriminator handling patches the document in place.
  const redoc = await redoclyConfig();
  const security = readSecurity(doc, (p) => walkProblems.push(p));
  const operations = extractOperations(doc, file, await schemaTyper(doc, redoc), security, (p) => walkProblems.push(p));
  checkSchemas(doc, (p) => walkProblems.push(p));
  for (const p of walkProblems) {
    diagnostics.push({
      severity: p.severity,
      code: p.code,
      message: p.message,
      // Pointers are into the bundled document; line/column are looked up in the entry file (best effort: for a
      // node that came from another file they point at the `$ref` that pulled it in).
      location: { file, pointer: p.pointer, ...lineColumn(root.source, p.pointer) },
    });
  }

  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics: sortDiagnostics(diagnostics) };

  let types = "";
  try {
    // Its JSDoc gets the descriptions as the client methods do: HTML turned into Markdown (doc-text.ts).
    types = scrubPaths(await typesSource(readableDocs(doc), redoc), configDir, bundled.inputs);
  } catch (e) {
    diagnostics.push(typesFailure(e, file, root.source, (text) => scrubPaths(text, configDir, bundled.inputs)));
  }

  const sorted = sortDiagnostics(diagnostics);
  if (sorted.some((d) => d.severity === "error")) return { diagnostics: sorted };
  return {
    model: {
      file,
      inputs: bundled.inputs.map((abs) => relativeTo(configDir, abs)),
      openapiVersion: String(own(doc, "openapi")),
      title: typeof title === "string" ? title : "",
      // YAML turns an unquoted `version: 1.0` into a number.
      version: typeof version === "string" || typeof version === "number" ? String(version) : "",
      typesBody: typesBody(types),
      operations,
      securitySchemes: security.schemes,
      ...(security.root !== undefined ? { security: security.root } : {}),
    },
    diagnostics: sorted,
  };
}

/**
 * An exception inside openapi-typescript that schema-check.ts did not foresee. Its own errors name the schema
 * (`Expected SchemaObject, received string at #/components/schemas/A`); other exceptions name nothing, and only the
 * message is kept: a library's stack trace means nothing to someone fixing a spec.
 */
function typesFailure(e: unknown, file: string, source: Source, scrub: (text: string) => string): Diagnostic {
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return {
      severity: "error",
      code: "openapi/too-deep",
      message: "openapi-typescript ran out of stack: the spec's schemas nest too deeply; flatten them with $refs",
      location: { file },
    };
  }
  const reason = scrub((e instanceof Error ? e.message : String(e)).split("\n")[0] ?? "");
  const pointer = /#\/[^\s:,]*/.exec(reason)?.[0].replace(/\.$/, "");
  return {
    severity: "error",
    code: "openapi/types",
    message: `openapi-typescript failed: ${reason}${pointer === undefined ? " (likely a malformed schema it does not check for)" : ""}`,
    location: pointer === undefined ? { file } : { file, pointer, ...lineColumn(source, pointer) },
  };
}

function cmp(a: string | number | undefined, b: string | number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : 1;
}

/** By file, line, column, pointer, code, message. */
function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return list.sort(
    (a, b) =>
      cmp(a.location.file, b.location.file) ||
      cmp(a.location.line, b.location.line) ||
      cmp(a.location.column, b.location.column) ||
      cmp(a.location.pointer, b.location.pointer) ||
      cmp(a.code, b.code) ||
      cmp(a.message, b.message),
  );
}
