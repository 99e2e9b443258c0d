// Specs built to hurt: YAML alias bombs, documents nested thousands of levels deep, $ref chains, and schema shapes
// openapi-typescript crashes on. Each must end quickly in a located error (src/specs/openapi/limits.ts,
// ref-chains.ts, schema-check.ts), never a hang or a raw "Maximum call stack size exceeded".
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../../src/model/types.js";
import { cliGen, gen, makeTree, servicesToml } from "../tree.js";

const HEAD = 'openapi: "3.0.3"\ninfo: {title: t, version: "1"}\n';
const JSON_HEAD = '{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{}';

/** `levels` lines of `name: &name [*prev, *prev, …]` with `fan` aliases each, under x-bomb (line 4 on). */
function aliasBomb(levels: number, fan: number): string {
  const names = "abcdefghijklmnopqrstuvwxyz".slice(0, levels).split("");
  const lines = [`  a: &a [${Array(fan).fill('"x"').join(", ")}]`];
  for (let i = 1; i < levels; i++) lines.push(`  ${names[i]}: &${names[i]} [${Array(fan).fill(`*${names[i - 1]}`).join(", ")}]`);
  return `${HEAD}paths: {}\nx-bomb:\n${lines.join("\n")}\n`;
}

/** One schema, Deep, whose `example` is `depth` nested arrays, in a JSON spec on one line. */
function deepJson(depth: number): string {
  return `${JSON_HEAD},"components":{"schemas":{"Deep":{"type":"array","example":${"[".repeat(depth)}${"]".repeat(depth)}}}}}`;
}

/** A schema of `levels` arrays of arrays (2 JSON levels each). */
function nestedItems(levels: number): string {
  let schema = '{"type":"string"}';
  for (let i = 0; i < levels; i++) schema = `{"type":"array","items":${schema}}`;
  return `${JSON_HEAD},"components":{"schemas":{"Nested":${schema}}}}`;
}

async function diagnose(files: Record<string, string>, spec = "specs/api.yaml"): Promise<Diagnostic[]> {
  const { result } = await gen(makeTree({ "services.toml": servicesToml("", spec), ...files }));
  if (result.diagnostics.some((d) => d.severity === "error")) expect(result.files).toEqual([]);
  return result.diagnostics;
}

const err = (code: string, message: string, location: Diagnostic["location"]): Diagnostic => ({ severity: "error", code, message, location });

const TOO_DEEP = "nesting deeper than 256 levels (svcgen's limit for arrays and objects inside each other)";

describe("YAML aliases", () => {
  it("a 9×9 alias bomb fails fast, at the alias that crosses the limit", async () => {
    const diagnostics = await diagnose({ "specs/api.yaml": aliasBomb(9, 9) });
    expect(diagnostics).toEqual([
      err(
        "openapi/alias-expansion",
        "YAML aliases expand the spec to more than 1,000,000 nodes (svcgen's limit against alias bombs); use $ref for repeated parts",
        { file: "specs/api.yaml", pointer: "#/x-bomb/g/0", line: 11, column: 11 },
      ),
    ]);
  });

  it("the real CLI exits 2 on it, with file:line:col", async () => {
    const root = makeTree({ "services.toml": servicesToml(), "specs/api.yaml": aliasBomb(9, 9) });
    const run = await cliGen(root);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^specs\/api\.yaml:11:11: error: YAML aliases expand the spec/);
  });

  it("moderate reuse of anchors is fine", async () => {
    const diagnostics = await diagnose({ "specs/api.yaml": aliasBomb(4, 9) });
    expect(diagnostics).toEqual([]);
  });

  it("an alias inside the node it names is a cycle", async () => {
    const diagnostics = await diagnose({ "specs/api.yaml": `${HEAD}paths: {}\nx-loop: &loop\n  again: *loop\n` });
    expect(diagnostics).toEqual([
      err("openapi/alias-cycle", "YAML alias inside the node it names (a cycle); use $ref for recursive structures", {
        file: "specs/api.yaml",
        pointer: "#/x-loop/again",
        line: 5,
        column: 11,
      }),
    ]);
  });

  it("aliases of deep nodes inside deep nodes count their expanded depth", async () => {
    const lines = [`  a0: &a0 ${"[".repeat(100)}${"]".repeat(100)}`];
    for (let i = 1; i < 4; i++) lines.push(`  a${i}: &a${i} ${"[".repeat(99)}*a${i - 1}${"]".repeat(99)}`);
    const diagnostics = await diagnose({ "specs/api.yaml": `${HEAD}paths: {}\nx-a:\n${lines.join("\n")}\n` });
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: "openapi/too-deep", message: "nesting deeper than 256 levels once YAML aliases are expanded (svcgen's limit for arrays and objects inside each other)", location: { line: 7 } });
  });
});

describe("deep nesting", () => {
  it("5000 nested JSON arrays under a schema: located where level 257 opens", async () => {
    const text = deepJson(5000);
    const diagnostics = await diagnose({ "specs/api.json": text }, "specs/api.json");
    // The first "[" opens level 5 (inside the root, components, schemas and Deep objects).
    const column = text.indexOf("[") + 1 + (257 - 5);
    expect(diagnostics).toEqual([err("openapi/too-deep", TOO_DEEP, { file: "specs/api.json", line: 1, column })]);
  });

  it("5000 nested YAML flow sequences: js-yaml stops at the same limit", async () => {
    // 256 levels with a scalar at the bottom are fine, as in JSON.
    const ok = `${HEAD}paths: {}\nx-deep: ${"[".repeat(255)}1${"]".repeat(255)}\n`;
    expect(await diagnose({ "specs/api.yaml": ok })).toEqual([]);
    const text = `${HEAD}paths: {}\nx-deep: ${"[".repeat(5000)}${"]".repeat(5000)}\n`;
    const diagnostics = await diagnose({ "specs/api.yaml": text });
    // Level 257 opens at column 264; js-yaml, which counts the scalar at the bottom as a level, stops one further.
    expect(diagnostics).toEqual([err("openapi/too-deep", TOO_DEEP, { file: "specs/api.yaml", line: 4, column: 265 })]);
  });

  it("a deep file pulled in by $ref is reported in that file and at the $ref", async () => {
    const spec =
      `${HEAD}paths:\n  /a:\n    get:\n      responses:\n        "200":\n          description: ok\n` +
      '          content:\n            application/json:\n              schema: {$ref: "deep.json#/components/schemas/Deep"}\n';
    const diagnostics = await diagnose({ "specs/api.yaml": spec, "specs/deep.json": deepJson(5000) });
    expect(diagnostics.map((d) => [d.code, d.location.file, d.location.line])).toEqual([
      ["openapi/unresolved-ref", "specs/api.yaml", 11],
      ["openapi/too-deep", "specs/deep.json", 1],
    ]);
    expect(diagnostics[0]!.message).toBe(
      `cannot resolve $ref "deep.json#/components/schemas/Deep": ${TOO_DEEP} (#/paths/~1a/get/responses/200/content/application~1json/schema)`,
    );
  });

  it("a schema nested 300 arrays deep (600 levels) is refused; 100 (200 levels) generates", async () => {
    expect((await diagnose({ "specs/api.json": nestedItems(300) }, "specs/api.json")).map((d) => d.code)).toEqual(["openapi/too-deep"]);
    expect(await diagnose({ "specs/api.json": nestedItems(100) }, "specs/api.json")).toEqual([]);
  });

  it("schemas each within the limit but chained by $refs thousands of levels deep: an error, not a crash", async () => {
    const schemas: string[] = [];
    for (let i = 0; i < 40; i++) {
      let schema = i < 39 ? `{"$ref":"#/components/schemas/S${i + 1}"}` : '{"type":"string"}';
      for (let level = 0; level < 100; level++) schema = `{"type":"array","items":${schema}}`;
      schemas.push(`"S${i}":${schema}`);
    }
    const diagnostics = await diagnose({ "specs/api.json": `${JSON_HEAD},"components":{"schemas":{${schemas.join(",")}}}}` }, "specs/api.json");
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: "openapi/too-deep", location: { file: "specs/api.json" } });
    expect(diagnostics[0]!.message).not.toMatch(/call stack/i);
  });
});

describe("$ref chains", () => {
  /** S0 → S1 → … → S<length> (a string), each a bare $ref. */
  function chain(length: number): string {
    const schemas = Array.from({ length }, (_, i) => `"S${i}":{"$ref":"#/components/schemas/S${i + 1}"}`);
    schemas.push(`"S${length}":{"type":"string"}`);
    return `${JSON_HEAD},"components":{"schemas":{${schemas.join(",")}}}}`;
  }

  // The spec is one line of JSON: a column there is nowhere a reader can go, so the pointer alone locates it.
  it("5000 refs to refs end in an error at the first, instead of minutes of work", async () => {
    const diagnostics = await diagnose({ "specs/api.json": chain(5000) }, "specs/api.json");
    expect(diagnostics).toEqual([
      err(
        "openapi/ref-chain",
        "$ref chain longer than 32 hops (a $ref to a $ref to a $ref …); point the $ref at the definition itself",
        { file: "specs/api.json", pointer: "#/components/schemas/S0/$ref" },
      ),
    ]);
  });

  it("short chains are fine", async () => {
    expect(await diagnose({ "specs/api.json": chain(5) }, "specs/api.json")).toEqual([]);
  });

  it("a ref cycle that never reaches a schema is located", async () => {
    const spec = `${HEAD}paths: {}\ncomponents:\n  schemas:\n    A: {$ref: "#/components/schemas/B"}\n    B: {$ref: "#/components/schemas/A"}\n`;
    expect(await diagnose({ "specs/api.yaml": spec })).toEqual([
      err("openapi/ref-cycle", "$ref cycle #/components/schemas/B → #/components/schemas/A → #/components/schemas/B never reaches a definition", {
        file: "specs/api.yaml",
        pointer: "#/components/schemas/A/$ref",
        line: 6,
        column: 15,
      }),
    ]);
  });
});

describe("schema shapes openapi-typescript assumes", () => {
  /** A spec whose components.schemas.A is `schema` (YAML flow), on line 6. */
  const withSchema = (schema: string): string => `${HEAD}paths: {}\ncomponents:\n  schemas:\n    A: ${schema}\n`;
  const rows: Array<[string, { given: string; want: Array<[string, string, string]> }]> = [
    [
      "required: 5 next to properties",
      { given: "{type: object, required: 5, properties: {a: {type: string}}}", want: [["error", "#/components/schemas/A/required", "required must be an array of property names, not the number 5"]] },
    ],
    [
      'required: "a" next to properties',
      { given: '{type: object, required: "a", properties: {a: {type: string}}}', want: [["error", "#/components/schemas/A/required", 'required must be an array of property names, not the string "a"']] },
    ],
    [
      "required: true on a leaf (ignored by openapi-typescript, so only a warning)",
      { given: "{type: object, properties: {a: {type: string, required: true}}}", want: [["warning", "#/components/schemas/A/properties/a/required", "required must be an array of property names, not the boolean true (ignored)"]] },
    ],
    ["properties: a string", { given: '{type: object, properties: "a"}', want: [["error", "#/components/schemas/A/properties", 'properties must be an object mapping names to schemas, not the string "a"']] }],
    ["a null property schema", { given: "{type: object, properties: {a: null}}", want: [["error", "#/components/schemas/A/properties/a", "a schema must be an object (or a boolean), not null"]] }],
    ["allOf: an object", { given: "{allOf: {a: 1}}", want: [["error", "#/components/schemas/A/allOf", "allOf must be an array of schemas, not an object"]] }],
    ["an allOf member that is not an object", { given: "{allOf: [true]}", want: [["error", "#/components/schemas/A/allOf/0", "a schema must be an object, not the boolean true"]] }],
    ["anyOf: a string", { given: '{anyOf: "x"}', want: [["error", "#/components/schemas/A/anyOf", 'anyOf must be an array of schemas, not the string "x"']] }],
    ["items: a number", { given: "{type: array, items: 5}", want: [["error", "#/components/schemas/A/items", "a schema must be an object (or a boolean), not the number 5"]] }],
    ["enum: a string", { given: '{type: string, enum: "a"}', want: [["error", "#/components/schemas/A/enum", 'enum must be an array of values, not the string "a"']] }],
    ["an object schema's enum of strings", { given: '{type: object, enum: ["a"]}', want: [["error", "#/components/schemas/A/enum/0", 'an enum of a "type: object" schema must list objects, not the string "a"']] }],
    ["$ref: a number", { given: "{$ref: 5}", want: [["error", "#/components/schemas/A/$ref", "$ref must be a string, not the number 5"]] }],
    ["a schema that is a string", { given: '"just text"', want: [["error", "#/components/schemas/A", 'a schema must be an object (or a boolean), not the string "just text"']] }],
  ];
  it.each(rows)("%s", async (_name, { given, want }) => {
    const diagnostics = await diagnose({ "specs/api.yaml": withSchema(given) });
    expect(diagnostics.map((d) => [d.severity, d.location.pointer, d.message])).toEqual(want);
    for (const d of diagnostics) expect(d).toMatchObject({ code: "openapi/invalid-schema", location: { file: "specs/api.yaml", line: 6 } });
  });

  it("finds bad schemas in parameters, bodies, responses and headers too", async () => {
    const spec =
      `${HEAD}paths:\n  /a:\n    post:\n      parameters:\n        - {name: q, in: query, schema: {type: object, required: 1, properties: {a: {}}}}\n` +
      "      requestBody:\n        content:\n          application/json: {schema: {type: object, properties: [1]}}\n" +
      "      responses:\n        \"200\":\n          description: ok\n          headers:\n            X-A: {schema: {allOf: {}}}\n";
    const diagnostics = await diagnose({ "specs/api.yaml": spec });
    expect(diagnostics.map((d) => [d.location.pointer, d.location.line])).toEqual([
      ["#/paths/~1a/post/parameters/0/schema/required", 7],
      ["#/paths/~1a/post/requestBody/content/application~1json/schema/properties", 10],
      ["#/paths/~1a/post/responses/200/headers/X-A/schema/allOf", 15],
    ]);
  });

  it("an exception openapi-typescript still throws is one diagnostic, without a stack trace", async () => {
    const diagnostics = await diagnose({ "specs/api.yaml": withSchema("{discriminator: {propertyName: kind}, oneOf: [null]}") });
    expect(diagnostics).toEqual([
      err(
        "openapi/types",
        "openapi-typescript failed: Cannot use 'in' operator to search for '$ref' in null (likely a malformed schema it does not check for)",
        { file: "specs/api.yaml" },
      ),
    ]);
  });
});
