// Parameter Objects with `content` instead of `schema` (OpenAPI 3.x §4.8.12.3): the model records the media type and
// openapi-typescript's type text for its schema; openapi-typescript's own types.ts keeps typing them `string`.
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { OpenApiModel, ParameterModel } from "../../../src/model/types.js";
import { REPO } from "../../support/repo.js";
import { load, op } from "./load.js";

const CASE = path.join(REPO, "test", "golden", "content-params");

let model: OpenApiModel;
beforeAll(async () => {
  const result = await load("specs/search.yaml", CASE);
  expect(result.diagnostics).toEqual([]);
  model = result.model!;
});

describe("content parameters", () => {
  const rows: [string, { want: Partial<ParameterModel> }][] = [
    ["selector", { want: { in: "path", required: true, contentType: "application/json", schemaType: "string[]", shape: "array" } }],
    [
      "filter",
      {
        want: {
          in: "query",
          required: false,
          contentType: "application/json",
          schemaType: "{\n    status?: string;\n    min?: number;\n}",
          shape: "object",
        },
      },
    ],
    ["where", { want: { in: "query", required: true, contentType: "application/x-www-form-urlencoded", schemaType: 'components["schemas"]["Where"]' } }],
    ["X-Context", { want: { in: "header", contentType: "application/vnd.ctx+json", schemaType: 'components["schemas"]["Context"]' } }],
    ["note", { want: { in: "cookie", contentType: "text/plain", schemaType: "string" } }],
    // Through a $ref to components/parameters.
    ["sort", { want: { in: "query", contentType: "application/json", schemaType: '("name" | "date")[]' } }],
    // A media type without a schema: any value.
    ["raw", { want: { in: "query", contentType: "text/plain", schemaType: "unknown", shape: "primitive" } }],
  ];
  it.each(rows)("%s", (name, { want }) => {
    const found = op(model, "listItems").parameters.find((p) => p.name === name);
    expect(found).toMatchObject(want);
  });

  it("a `schema` parameter has neither field", () => {
    const limit = op(model, "listItems").parameters.find((p) => p.name === "limit")!;
    expect(limit).not.toHaveProperty("contentType");
    expect(limit).not.toHaveProperty("schemaType");
  });

  it("openapi-typescript's types.ts is left as it prints them (string)", () => {
    expect(new TextDecoder().decode(model.typesBody)).toContain("filter?: string;");
    expect(new TextDecoder().decode(model.typesBody)).toContain("Sort: string;");
  });
});
