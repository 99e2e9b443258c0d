import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../../src/model/types.js";
import { load } from "./load.js";

type Row = [string, { given: string; want: Diagnostic[] }];

const err = (code: string, message: string, location: Diagnostic["location"]): Diagnostic => ({
  severity: "error",
  code,
  message,
  location,
});

const rows: Row[] = [
  ["missing file", { given: "invalid/missing.yaml", want: [err("openapi/not-found", "OpenAPI spec file not found: invalid/missing.yaml", { file: "invalid/missing.yaml" })] }],
  [
    "a folder instead of a file",
    {
      given: "multi",
      want: [err("openapi/unreadable", "cannot read OpenAPI spec file multi: it is a folder", { file: "multi" })],
    },
  ],
  ["empty file", { given: "invalid/empty.yaml", want: [err("openapi/invalid", "spec is not a JSON/YAML object", { file: "invalid/empty.yaml" })] }],
  [
    "unquoted YAML version number",
    {
      given: "invalid/version-number.yaml",
      want: [
        err("openapi/unsupported-version", '`openapi` must be a string such as "3.1.0", not the number 3.1 (quote it in YAML)', {
          file: "invalid/version-number.yaml",
          pointer: "#/openapi",
          line: 1,
          column: 10,
        }),
      ],
    },
  ],
  [
    "YAML syntax error",
    {
      given: "invalid/bad-yaml.yaml",
      want: [err("openapi/parse", "cannot parse spec: bad indentation of a mapping entry", { file: "invalid/bad-yaml.yaml", line: 4, column: 11 })],
    },
  ],
  [
    "JSON syntax error (reported by the YAML parser, which gives a position)",
    {
      given: "invalid/bad-json.json",
      want: [
        err("openapi/parse", "cannot parse spec: expected the node content, but found ','", { file: "invalid/bad-json.json", line: 4, column: 13 }),
      ],
    },
  ],
  [
    "Swagger 2.0",
    {
      given: "invalid/swagger2.json",
      want: [
        err(
          "openapi/unsupported-version",
          "Swagger 2.0 is not supported; convert the spec to OpenAPI 3.x first (for example with swagger2openapi)",
          { file: "invalid/swagger2.json", pointer: "#/swagger", line: 2, column: 14 },
        ),
      ],
    },
  ],
  [
    "missing openapi field",
    {
      given: "invalid/no-version.yaml",
      want: [
        err("openapi/missing-version", "missing `openapi` field (expected 3.0.x or 3.1.x)", { file: "invalid/no-version.yaml", pointer: "#", line: 1, column: 1 }),
      ],
    },
  ],
  [
    "unsupported version",
    {
      given: "invalid/version-4.yaml",
      want: [
        err("openapi/unsupported-version", 'unsupported OpenAPI version "4.0.0" (expected 3.0.x or 3.1.x)', {
          file: "invalid/version-4.yaml",
          pointer: "#/openapi",
          line: 2,
          column: 10,
        }),
      ],
    },
  ],
  [
    "broken local and external refs, all collected, sorted by file and line",
    {
      given: "invalid/broken-refs.yaml",
      want: [
        err("openapi/parse", 'cannot parse: unexpected end of the stream within a flow collection in "invalid/bad-part.yaml" (4:1)', {
          file: "invalid/bad-part.yaml",
          line: 4,
          column: 1,
        }),
        err("openapi/unresolved-ref", 'cannot resolve $ref "#/components/schemas/Missing" (#/paths/~1a/get/responses/200/content/application~1json/schema)', {
          file: "invalid/broken-refs.yaml",
          pointer: "#/paths/~1a/get/responses/200/content/application~1json/schema",
          line: 12,
          column: 23,
        }),
        err(
          "openapi/not-found",
          "$ref'd file not found: invalid/no-such-file.yaml (#/paths/~1b/get/parameters/0)",
          { file: "invalid/broken-refs.yaml", pointer: "#/paths/~1b/get/parameters/0", line: 17, column: 11 },
        ),
        err(
          "openapi/unresolved-ref",
          'cannot resolve $ref "./bad-part.yaml": unexpected end of the stream within a flow collection in "invalid/bad-part.yaml" (4:1) (#/paths/~1c)',
          { file: "invalid/broken-refs.yaml", pointer: "#/paths/~1c", line: 21, column: 5 },
        ),
      ],
    },
  ],
  [
    "remote refs are not fetched",
    {
      given: "invalid/remote-ref.yaml",
      want: [
        err(
          "openapi/unresolved-ref",
          'cannot resolve $ref "https://example.invalid/schemas/a.json": remote $refs are not fetched (svcgen reads local files only, so builds are reproducible) (#/paths/~1a/get/responses/200/content/application~1json/schema)',
          {
            file: "invalid/remote-ref.yaml",
            pointer: "#/paths/~1a/get/responses/200/content/application~1json/schema",
            line: 12,
            column: 23,
          },
        ),
      ],
    },
  ],
  [
    "duplicate operationId, invalid parameter, undeclared path variables",
    {
      given: "invalid/semantic.yaml",
      want: [
        {
          severity: "warning",
          code: "openapi/path-param-undeclared",
          message: 'path template variable "{id}" has no path parameter',
          location: { file: "invalid/semantic.yaml", pointer: "#/paths/~1a~1{id}/get", line: 6, column: 7 },
        },
        {
          severity: "warning",
          code: "openapi/path-param-undeclared",
          message: 'path template variable "{id}" has no path parameter',
          location: { file: "invalid/semantic.yaml", pointer: "#/paths/~1a~1{id}/post", line: 10, column: 7 },
        },
        err("openapi/duplicate-operation-id", 'operationId "dup" is also used by GET /a/{id}', {
          file: "invalid/semantic.yaml",
          pointer: "#/paths/~1a~1{id}/post/operationId",
          line: 10,
          column: 20,
        }),
        err("openapi/invalid-parameter", "parameter needs a string `name` and `in` of path, query, header or cookie", {
          file: "invalid/semantic.yaml",
          pointer: "#/paths/~1a~1{id}/post/parameters/0",
          line: 12,
          column: 11,
        }),
      ],
    },
  ],
];

describe("loadOpenApi diagnostics", () => {
  it.each(rows)("%s", async (_name, { given, want }) => {
    const result = await load(given);
    expect(result.diagnostics).toEqual(want);
    expect(result.model).toBeUndefined();
  });

  it("a valid spec has no diagnostics", async () => {
    const result = await load("petstore-30.yaml");
    expect(result.diagnostics).toEqual([]);
    expect(result.model).toBeDefined();
  });
});
