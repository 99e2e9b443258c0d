// Table-driven: the OpenAPI 3 style examples (spec §4.8.12.4.1) for a primitive 5, an array [3, 4, 5] and an object
// { role: "admin", firstName: "Alex" }, plus encoding edge cases.
import { describe, expect, it } from "vitest";
import { cookiePairs, headerParam, pathParam, queryParam } from "../../src/runtime/params.js";
import type { ParamStyle } from "../../src/runtime/types.js";

const prim = 5;
const arr = [3, 4, 5];
const obj = { role: "admin", firstName: "Alex" };

describe("path parameters", () => {
  const rows: [string, { style: ParamStyle; explode: boolean; value: unknown; want: string }][] = [
    ["simple primitive", { style: "simple", explode: false, value: prim, want: "5" }],
    ["simple array", { style: "simple", explode: false, value: arr, want: "3,4,5" }],
    ["simple object", { style: "simple", explode: false, value: obj, want: "role,admin,firstName,Alex" }],
    ["simple object exploded", { style: "simple", explode: true, value: obj, want: "role=admin,firstName=Alex" }],
    ["label primitive", { style: "label", explode: false, value: prim, want: ".5" }],
    ["label array", { style: "label", explode: false, value: arr, want: ".3,4,5" }],
    ["label array exploded", { style: "label", explode: true, value: arr, want: ".3.4.5" }],
    ["label object", { style: "label", explode: false, value: obj, want: ".role,admin,firstName,Alex" }],
    ["label object exploded", { style: "label", explode: true, value: obj, want: ".role=admin.firstName=Alex" }],
    ["matrix primitive", { style: "matrix", explode: false, value: prim, want: ";id=5" }],
    ["matrix array", { style: "matrix", explode: false, value: arr, want: ";id=3,4,5" }],
    ["matrix array exploded", { style: "matrix", explode: true, value: arr, want: ";id=3;id=4;id=5" }],
    ["matrix object", { style: "matrix", explode: false, value: obj, want: ";id=role,admin,firstName,Alex" }],
    ["matrix object exploded", { style: "matrix", explode: true, value: obj, want: ";role=admin;firstName=Alex" }],
    ["reserved characters are percent-encoded", { style: "simple", explode: false, value: "a/b c?d#e%", want: "a%2Fb%20c%3Fd%23e%25" }],
    ["unicode", { style: "simple", explode: false, value: "é", want: "%C3%A9" }],
    ["dates as ISO 8601", { style: "simple", explode: false, value: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), want: "2024-01-02T03%3A04%3A05.000Z" }],
  ];
  it.each(rows)("%s", (_name, { style, explode, value, want }) => {
    expect(pathParam("id", value, style, explode)).toBe(want);
  });
});

describe("query parameters", () => {
  const rows: [string, { style: ParamStyle; explode: boolean; value: unknown; want: string[] }][] = [
    ["form primitive", { style: "form", explode: true, value: prim, want: ["id=5"] }],
    ["form array exploded", { style: "form", explode: true, value: arr, want: ["id=3", "id=4", "id=5"] }],
    ["form array", { style: "form", explode: false, value: arr, want: ["id=3,4,5"] }],
    ["form object exploded", { style: "form", explode: true, value: obj, want: ["role=admin", "firstName=Alex"] }],
    ["form object", { style: "form", explode: false, value: obj, want: ["id=role,admin,firstName,Alex"] }],
    ["spaceDelimited array", { style: "spaceDelimited", explode: false, value: arr, want: ["id=3%204%205"] }],
    ["spaceDelimited object", { style: "spaceDelimited", explode: false, value: obj, want: ["id=role%20admin%20firstName%20Alex"] }],
    ["pipeDelimited array", { style: "pipeDelimited", explode: false, value: arr, want: ["id=3|4|5"] }],
    ["pipeDelimited object", { style: "pipeDelimited", explode: false, value: obj, want: ["id=role|admin|firstName|Alex"] }],
    ["deepObject object", { style: "deepObject", explode: true, value: obj, want: ["id%5Brole%5D=admin", "id%5BfirstName%5D=Alex"] }],
    ["undefined is skipped", { style: "form", explode: true, value: undefined, want: [] }],
    ["null is skipped", { style: "form", explode: true, value: null, want: [] }],
    ["empty array is skipped", { style: "form", explode: true, value: [], want: [] }],
    ["undefined members are skipped", { style: "form", explode: true, value: { a: 1, b: undefined }, want: ["a=1"] }],
    ["values are encoded", { style: "form", explode: true, value: "a&b=c d+é", want: ["id=a%26b%3Dc%20d%2B%C3%A9"] }],
    ["booleans", { style: "form", explode: true, value: false, want: ["id=false"] }],
  ];
  it.each(rows)("%s", (_name, { style, explode, value, want }) => {
    const out: string[] = [];
    queryParam(out, "id", value, style, explode);
    expect(out).toEqual(want);
  });

  it("encodes the parameter name", () => {
    const out: string[] = [];
    queryParam(out, "a b[c]", 1, "form", true);
    expect(out).toEqual(["a%20b%5Bc%5D=1"]);
  });
});

// deepObject beyond the spec's one-level table: the convention in src/runtime/deep-object.ts, shared with form bodies
// (test/runtime/deep-object.test.ts sends the same values both ways to a real server).
describe("query parameters: deepObject", () => {
  const rows: [string, { value: unknown; want: string[] }][] = [
    ["a primitive is name=value", { value: 5, want: ["id=5"] }],
    ["array of scalars: empty brackets", { value: ["a", 2, true], want: ["id%5B%5D=a", "id%5B%5D=2", "id%5B%5D=true"] }],
    ["array of objects: indices", { value: [{ p: "x", q: 1 }, { p: "y" }], want: ["id%5B0%5D%5Bp%5D=x", "id%5B0%5D%5Bq%5D=1", "id%5B1%5D%5Bp%5D=y"] }],
    ["array of arrays: indices, then empty brackets", { value: [["a", "b"], ["c"]], want: ["id%5B0%5D%5B%5D=a", "id%5B0%5D%5B%5D=b", "id%5B1%5D%5B%5D=c"] }],
    ["mixed array: indices for every item", { value: ["a", { k: "v" }], want: ["id%5B0%5D=a", "id%5B1%5D%5Bk%5D=v"] }],
    ["nested objects", { value: { a: { b: { c: "v" } } }, want: ["id%5Ba%5D%5Bb%5D%5Bc%5D=v"] }],
    ["arrays inside objects", { value: { tags: ["x", "y"], items: [{ n: 1 }] }, want: ["id%5Btags%5D%5B%5D=x", "id%5Btags%5D%5B%5D=y", "id%5Bitems%5D%5B0%5D%5Bn%5D=1"] }],
    ["dates are scalars", { value: [new Date(0)], want: ["id%5B%5D=1970-01-01T00%3A00%3A00.000Z"] }],
    ["null items are skipped", { value: ["a", null, undefined, "b"], want: ["id%5B%5D=a", "id%5B%5D=b"] }],
    ["skipped items leave no gap in the indices", { value: [{ k: 1 }, null, {}, { k: 2 }], want: ["id%5B0%5D%5Bk%5D=1", "id%5B1%5D%5Bk%5D=2"] }],
    ["empty arrays, empty objects and nulls write nothing", { value: { a: [], o: {}, n: null, u: undefined, d: { e: [] } }, want: [] }],
    ["an empty top-level array writes nothing", { value: [], want: [] }],
    ["an empty string is sent", { value: { s: "" }, want: ["id%5Bs%5D="] }],
    ["names and values are percent-encoded", { value: { "c&d e": "f=g h/é" }, want: ["id%5Bc%26d%20e%5D=f%3Dg%20h%2F%C3%A9"] }],
  ];
  it.each(rows)("%s", (_name, { value, want }) => {
    const out: string[] = [];
    queryParam(out, "id", value, "deepObject", true);
    expect(out).toEqual(want);
  });

  it("encodes the parameter name like the property names", () => {
    const out: string[] = [];
    queryParam(out, "a b", ["x"], "deepObject", true);
    expect(out).toEqual(["a%20b%5B%5D=x"]);
  });
});

describe("header and cookie parameters", () => {
  it.each([
    ["primitive", prim, false, "5"],
    ["array", arr, false, "3,4,5"],
    ["object", obj, false, "role,admin,firstName,Alex"],
    ["object exploded", obj, true, "role=admin,firstName=Alex"],
  ] as const)("header %s", (_name, value, explode, want) => {
    expect(headerParam(value, explode)).toBe(want);
  });

  it("skips absent header values", () => {
    expect(headerParam(undefined, false)).toBeUndefined();
    expect(headerParam(null, false)).toBeUndefined();
  });

  it.each([
    ["primitive", "a b", true, ["id=a%20b"]],
    ["array", arr, false, ["id=3,4,5"]],
    ["array exploded", arr, true, ["id=3", "id=4", "id=5"]],
    ["object exploded", obj, true, ["role=admin", "firstName=Alex"]],
  ] as const)("cookie %s", (_name, value, explode, want) => {
    const out: string[] = [];
    cookiePairs(out, "id", value, explode);
    expect(out).toEqual(want);
  });
});
