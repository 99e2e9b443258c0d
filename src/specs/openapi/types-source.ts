// openapi-typescript's type text for an already-bundled document.
//
// `openapiTS(doc)` would stringify the document, lint it and bundle it again (about 2 s of the ~5 s it spends on
// the 13 MB GitHub spec), so this calls its exported `transformSchema` with the context `openapiTS` builds.
// Every option is openapi-typescript 7.13.0's default, so `typesSource` is byte-identical to what
// `openapiTS(bundledDoc)` + `astToString` produces (test/specs/openapi/types-source.test.ts checks this), and users
// get the `paths` / `components` / `operations` interfaces openapi-fetch and friends expect:
// - alphabetize: false   keeps the spec's order, which is already deterministic;
// - exportType: false    `export interface`, as openapi-typescript's docs show;
// - rootTypes: false     no `export type User = components["schemas"]["User"]` aliases: schema names are
//                         spec-controlled and can collide with each other or with svcgen's own exports;
// - enum: false          string-literal unions, no runtime code in a types file;
// - silent: true         its warnings go to console; svcgen owns stdout/stderr.
// Header comment: none; the emitter writes svcgen's own header.

import { createRequire } from "node:module";
import type { GlobalContext, OpenAPI3, OpenAPITSOptions } from "openapi-typescript";
import type { Config } from "@redocly/openapi-core";

const OPTIONS: OpenAPITSOptions = { silent: true };

type Ots = typeof import("openapi-typescript");
let loaded: Ots | undefined;

/**
 * Loaded on first use: it pulls in the TypeScript compiler, which proto-only configs never need. Required, not
 * imported: its CommonJS build requires `typescript` as CommonJS, while `import` of its ESM build makes Node check
 * the 9 MB typescript.js for module syntax and scan it for export names before compiling it (~0.5 s more).
 */
function openapiTypescript(): Ots {
  loaded ??= createRequire(import.meta.url)("openapi-typescript") as Ots;
  return loaded;
}

export async function typesSource(doc: Record<string, unknown>, redoc: Config): Promise<string> {
  const ots = openapiTypescript();
  return ots.astToString(ots.transformSchema(doc as unknown as OpenAPI3, context(ots, doc, redoc)));
}

/** The text as types.ts holds it below svcgen's header (OpenApiModel.typesBody), encoded once, here. */
export function typesBody(text: string): Uint8Array {
  return new TextEncoder().encode(`${text.trimEnd()}\n`);
}

/** Type text of one Schema Object, as openapi-typescript prints it (`$ref`s become `components["schemas"][...]`). */
export type SchemaTyper = (schema: unknown, pointer: string) => string;

/**
 * A typer for the schemas openapi-typescript does not type itself: a Parameter Object with `content` is `string`
 * in its output (transform/parameter-object.ts), while svcgen serialises such a value from its schema. The context
 * is built on first use over a copy of the document, since scanning discriminators patches schemas in place and the
 * operation walk must see the spec as written.
 */
export async function schemaTyper(doc: Record<string, unknown>, redoc: Config): Promise<SchemaTyper> {
  const ots = openapiTypescript();
  let ctx: GlobalContext | undefined;
  return (schema, pointer) => {
    ctx ??= context(ots, structuredClone(doc), redoc);
    return ots.astToString(ots.transformSchemaObject(schema as never, { path: pointer, ctx })).trim();
  };
}

function context(ots: Ots, doc: Record<string, unknown>, redoc: Config): GlobalContext {
  const schema = doc as unknown as OpenAPI3;
  return {
    additionalProperties: false,
    alphabetize: false,
    arrayLength: false,
    defaultNonNullable: true,
    discriminators: ots.scanDiscriminators(schema, OPTIONS),
    emptyObjectsUnknown: false,
    enum: false,
    enumValues: false,
    conditionalEnums: false,
    dedupeEnums: false,
    excludeDeprecated: false,
    exportType: false,
    immutable: false,
    rootTypes: false,
    rootTypesNoSchemaPrefix: false,
    rootTypesKeepCasing: false,
    injectFooter: [],
    pathParamsAsTypes: false,
    postTransform: undefined,
    propertiesRequiredByDefault: false,
    redoc,
    silent: true,
    inject: undefined,
    transform: undefined,
    transformProperty: undefined,
    makePathsEnum: false,
    generatePathParams: false,
    readWriteMarkers: false,
    resolve<T>($ref: string): T | undefined {
      return ots.resolveRef(schema, $ref, { silent: true }) as T | undefined;
    },
  };
}
