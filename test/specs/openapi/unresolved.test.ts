// Unresolvable $refs are reported once per missing target, at the first reference in document order, with its
// pointer and the count of the others; on a minified one-line JSON spec the pointer alone locates it.
import { describe, expect, it } from "vitest";
import { compareDiagnostics, formatDiagnostic } from "../../../src/config/diagnostics.js";
import { load } from "./load.js";

async function printed(rel: string): Promise<string[]> {
  const result = await load(rel);
  expect(result.model).toBeUndefined();
  return [...result.diagnostics].sort(compareDiagnostics).map(formatDiagnostic);
}

const rows: Array<[string, { given: string; want: string[] }]> = [
  [
    "a multi-file spec: one line per missing file or schema, wherever and however often it is referenced",
    {
      given: "unresolved/openapi.yaml",
      want: [
        // Referenced from the root twice and from the path file once.
        "unresolved/openapi.yaml:13:11: error: $ref'd file not found: unresolved/resources/droplets/missing.yml (#/paths/~1droplets/get/responses/200 and 2 other references)",
        // Referenced from the root twice and, as ../../openapi.yaml#/…, from the path file once: one target.
        'unresolved/openapi.yaml:20:15: error: cannot resolve $ref "#/components/schemas/Missing" (#/paths/~1droplets/post/requestBody/content/application~1json/schema and 2 other references)',
        // The path file is read where /droplets/{id} names it, before the root's components: first in document order.
        "unresolved/resources/droplets/droplet_by_id.yml:17:13: error: $ref'd file not found: unresolved/resources/droplets/models/region.yml (#/get/responses/202/content/application~1json/schema and 1 other reference)",
      ],
    },
  ],
  [
    "a minified one-line JSON spec: located by pointer, not by a column",
    {
      given: "unresolved/minified.json",
      want: [
        "unresolved/minified.json#/paths/~1droplets/get/responses/200: error: $ref'd file not found: unresolved/resources/missing.json (and 1 other reference)",
        'unresolved/minified.json#/paths/~1droplets/post/requestBody/content/application~1json/schema: error: cannot resolve $ref "#/components/schemas/Missing" (and 2 other references)',
      ],
    },
  ],
  [
    "a structural problem in a referenced file is reported in that file (the bundle rewrites refs in place)",
    {
      given: "unresolved/struct/openapi.yaml",
      want: [
        "unresolved/struct/models/pet.yaml:6:15: error: The `type` field must be defined when the `nullable` field is used (#/properties/tag/nullable)",
        'unresolved/struct/openapi.yaml:23:17: error: cannot resolve $ref "#/components/schemas/Error" (#/paths/~1pets/get/responses/default/content/application~1json/schema)',
      ],
    },
  ],
  [
    "a minified file pulled in by $ref that svcgen refuses: at the $ref, and in that file by pointer, once each",
    {
      given: "unresolved/limit/api.yaml",
      want: [
        'unresolved/limit/api.yaml:11:23: error: cannot resolve $ref "chain.json#/components/schemas/S0": $ref chain longer than 32 hops (a $ref to a $ref to a $ref …); point the $ref at the definition itself (#/paths/~1a/get/responses/200/content/application~1json/schema)',
        "unresolved/limit/chain.json#/components/schemas/S0/$ref: error: $ref chain longer than 32 hops (a $ref to a $ref to a $ref …); point the $ref at the definition itself",
      ],
    },
  ],
];

describe("unresolvable $refs", () => {
  it.each(rows)("%s", async (_name, { given, want }) => {
    expect(await printed(given)).toEqual(want);
  });

  it("keeps the diagnostic's location as data: file, pointer, and a line only where it means something", async () => {
    const [yaml] = (await load("unresolved/openapi.yaml")).diagnostics;
    const [json] = (await load("unresolved/minified.json")).diagnostics;
    expect(yaml).toMatchObject({
      code: "openapi/not-found",
      location: { file: "unresolved/openapi.yaml", pointer: "#/paths/~1droplets/get/responses/200", line: 13, column: 11 },
    });
    expect(json).toEqual({
      severity: "error",
      code: "openapi/not-found",
      message: "$ref'd file not found: unresolved/resources/missing.json (and 1 other reference)",
      location: { file: "unresolved/minified.json", pointer: "#/paths/~1droplets/get/responses/200" },
    });
  });
});
