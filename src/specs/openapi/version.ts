// The OpenAPI version gate, run on the parsed entry file before anything is bundled.

import type { Document } from "@redocly/openapi-core";
import type { Diagnostic, SourceLocation } from "../../model/types.js";
import { lineColumn } from "./locate.js";
import { isObject, own } from "./pointer.js";

/** OpenAPI 3.0.x and 3.1.x only: Swagger 2.0 and other versions are reported, not guessed at. */
export function checkVersion(root: Document, entryRel: string): Diagnostic | undefined {
  const at = (pointer: string): SourceLocation => ({ file: entryRel, pointer, ...locate(root, pointer) });
  const doc: unknown = root.parsed;
  if (!isObject(doc)) {
    return {
      severity: "error",
      code: "openapi/invalid",
      message: "spec is not a JSON/YAML object",
      location: { file: entryRel },
    };
  }
  const openapi = own(doc, "openapi");
  if (openapi === undefined) {
    if (own(doc, "swagger") !== undefined) {
      return {
        severity: "error",
        code: "openapi/unsupported-version",
        message:
          "Swagger 2.0 is not supported; convert the spec to OpenAPI 3.x first (for example with swagger2openapi)",
        location: at("#/swagger"),
      };
    }
    return {
      severity: "error",
      code: "openapi/missing-version",
      message: "missing `openapi` field (expected 3.0.x or 3.1.x)",
      location: at("#"),
    };
  }
  if (typeof openapi === "number") {
    return {
      severity: "error",
      code: "openapi/unsupported-version",
      message: `\`openapi\` must be a string such as "3.1.0", not the number ${openapi} (quote it in YAML)`,
      location: at("#/openapi"),
    };
  }
  if (typeof openapi !== "string" || !/^3\.[01](\.\d+)?(-[0-9A-Za-z.-]+)?$/.test(openapi)) {
    return {
      severity: "error",
      code: "openapi/unsupported-version",
      message: `unsupported OpenAPI version ${JSON.stringify(openapi)} (expected 3.0.x or 3.1.x)`,
      location: at("#/openapi"),
    };
  }
  return undefined;
}

function locate(doc: Document, pointer: string): { line?: number; column?: number } {
  return lineColumn(doc.source, pointer) ?? {};
}
