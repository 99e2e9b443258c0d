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

import type { GlobalContext, OpenAPI3, OpenAPITSOptions } from "openapi-typescript";
import type { Config } from "@redocly/openapi-core";

const OPTIONS: OpenAPITSOptions = { silent: true };

export async function typesSource(doc: Record<string, unknown>, redoc: Config): Promise<string> {
  // Loaded on first use: it pulls in the TypeScript compiler (~0.3 s), which proto-only configs never need.
  const ots = await import("openapi-typescript");
  const schema = doc as unknown as OpenAPI3;
  const ctx: GlobalContext = {
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
  return ots.astToString(ots.transformSchema(schema, ctx));
}
