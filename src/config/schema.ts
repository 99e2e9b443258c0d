// Builds schemas/services.schema.json (draft-07, for Taplo / Even Better TOML) from the key table, so the editor
// and the parser accept the same keys. test/config/schema.test.ts compares the committed file with this output;
// `SVCGEN_UPDATE_SCHEMA=1 npx vitest run test/config/schema.test.ts` rewrites it.
import { builtinDefault } from "./builtins.js";
import { rulesSchema } from "./table-rules.js";
import { PATTERNS } from "./formats.js";
import { type KeySpec, ROOT_TABLE, SERVICE_ENTRY_DESCRIPTION, SERVICE_TABLE, type StringFormat, type TableSpec, type ValueSpec } from "./keys.js";

type Schema = Record<string, unknown>;

/** Approximations of the URL checks in url.ts (which use WHATWG URL); credentials, queries and fragments fail. */
const URL_PATTERN = "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s@]+(/[^?#\\s]*)?$";
const ORIGIN_PATTERN = "^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s@]+/?$";

export function buildServicesSchema(): Schema {
  const root = tableSchema(ROOT_TABLE, undefined);
  const properties = root.properties as Record<string, Schema>;
  // [defaults] documents the built-in default of every key it can override.
  properties.defaults = keySchema(ROOT_TABLE.keys.defaults!, []);
  // A service is a bare URL (acton-service form) or a table; the table is a definition so editors show it once.
  properties.external_services = {
    description: ROOT_TABLE.keys.external_services!.description,
    type: "object",
    propertyNames: { minLength: 1 },
    additionalProperties: {
      description: SERVICE_ENTRY_DESCRIPTION,
      anyOf: [
        { type: "string", description: SERVICE_TABLE.keys.url!.description, ...formatSchema("url") },
        { $ref: "#/definitions/service" },
      ],
    },
  };
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "svcgen services.toml",
    description:
      "Services this service calls, with their discovery, load-balancing and resilience policies. " +
      "Precedence: built-in defaults, then [resilience], then [defaults], then the service's own table.",
    ...root,
    definitions: { service: tableSchema(SERVICE_TABLE, []) },
  };
}

/** `defaultsAt` is the key path under which built-in defaults apply (service and [defaults] tables), if any. */
function tableSchema(spec: TableSpec, defaultsAt: readonly string[] | undefined): Schema {
  const properties: Record<string, Schema> = {};
  for (const [key, keySpec] of Object.entries(spec.keys)) {
    properties[key] = keySchema(keySpec, defaultsAt && [...defaultsAt, key]);
  }
  const required = Object.keys(spec.keys).filter((key) => spec.keys[key]!.required);
  return {
    type: "object",
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: spec.rest !== "error",
    ...rulesSchema(spec.rules),
  };
}

function keySchema(spec: KeySpec, defaultsAt: readonly string[] | undefined): Schema {
  const schema: Schema = { description: spec.description, ...valueSchema(spec.value, defaultsAt) };
  const kind = spec.value.kind;
  const fallback = defaultsAt && kind !== "table" && kind !== "tables" && kind !== "values" ? builtinDefault(defaultsAt) : undefined;
  if (fallback !== undefined) schema.default = fallback;
  return schema;
}

function valueSchema(spec: ValueSpec, defaultsAt: readonly string[] | undefined): Schema {
  switch (spec.kind) {
    case "integer":
      return { type: "integer", minimum: spec.min, ...(spec.max !== undefined ? { maximum: spec.max } : {}) };
    case "number":
      return {
        type: "number",
        ...(spec.minExclusive ? { exclusiveMinimum: spec.min } : { minimum: spec.min }),
        maximum: spec.max,
      };
    case "boolean":
      return { type: "boolean" };
    case "string":
      return { type: "string", ...(spec.enum ? { enum: [...spec.enum] } : {}), ...(spec.format ? formatSchema(spec.format) : {}) };
    case "strings": {
      const item = { type: "string", ...(spec.enum ? { enum: [...spec.enum] } : {}), ...(spec.format ? formatSchema(spec.format) : {}) };
      const array = { type: "array", items: item, ...(spec.minItems !== undefined ? { minItems: spec.minItems } : {}) };
      return spec.single ? { anyOf: [item, array] } : array;
    }
    case "retry-on":
      return {
        type: "array",
        items: {
          anyOf: [
            { type: "string", enum: ["connect", "timeout"] },
            { type: "integer", minimum: 100, maximum: 599 },
          ],
        },
      };
    case "table": {
      const table = tableSchema(spec, spec.orFalse || spec.orString !== undefined ? undefined : defaultsAt);
      if (spec.orFalse) return { anyOf: [{ type: "boolean", enum: [false] }, table] };
      if (spec.orString !== undefined) return { anyOf: [valueSchema(spec.keys[spec.orString]!.value, undefined), table] };
      return table;
    }
    case "map":
      return { type: "object", propertyNames: { minLength: 1 }, additionalProperties: tableSchema(spec.entry, undefined) };
    case "tables":
      return { type: "array", items: tableSchema(spec.entry, undefined) };
    case "values":
      return {
        type: "object",
        propertyNames: { minLength: 1, ...(spec.keyFormat ? formatSchema(spec.keyFormat) : {}) },
        ...(spec.minItems !== undefined ? { minProperties: spec.minItems } : {}),
        additionalProperties: valueSchema(spec.value, undefined),
      };
  }
}

function formatSchema(format: StringFormat): Schema {
  switch (format) {
    case "url":
      return { pattern: URL_PATTERN };
    case "origin":
      return { pattern: ORIGIN_PATTERN };
    case "dns-label":
      return { pattern: PATTERNS.dnsLabel, maxLength: 63 };
    case "dns-name":
      return { pattern: PATTERNS.dnsName, maxLength: 253 };
    case "header":
      return { pattern: PATTERNS.header };
    case "http-path":
      return { pattern: PATTERNS.httpPath };
    case "host-port":
      return { pattern: PATTERNS.hostPort };
    case "relative-path":
      return { minLength: 1, not: { pattern: PATTERNS.absolutePath } };
    case "env-name":
      return { pattern: PATTERNS.envName };
    case "non-empty":
      return { pattern: "\\S" };
    case "label-key":
      return { pattern: PATTERNS.labelKey, maxLength: 317 };
    case "label-value":
      return { pattern: PATTERNS.labelValue, maxLength: 63 };
  }
}
