// GET and HEAD requests carry no body: a requestBody the spec gives one is left out of the model (so the params type
// has no `body` and nothing is sent) with one warning per spec at the first one's JSON pointer; other methods keep theirs.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operationTypes, operationNames } from "../../../src/emit/ts/operation.js";
import { NameScope } from "../../../src/model/names.js";
import { loadOpenApi, type OpenApiResult } from "../../../src/specs/openapi/index.js";
import { TMP } from "../../support/repo.js";

const DIR = path.join(TMP, "get-body");
const FILE = "get-body.json";

const form = { content: { "application/x-www-form-urlencoded": { schema: { type: "object", properties: {} } } } };
const json = { required: true, content: { "application/json": { schema: { type: "object" } } } };
const ok = { responses: { "200": { description: "OK" } } };
const spec = {
  openapi: "3.0.3",
  info: { title: "get-body", version: "1" },
  paths: {
    // Stripe's shape: every GET has an empty, optional form body.
    "/items": { get: { operationId: "listItems", requestBody: form, ...ok }, post: { operationId: "createItem", requestBody: json, ...ok } },
    "/items/{id}": {
      parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
      head: { operationId: "headItem", requestBody: { $ref: "#/components/requestBodies/Search" }, ...ok },
      delete: { operationId: "deleteItem", requestBody: json, ...ok },
    },
    "/search": { get: { operationId: "search", requestBody: { $ref: "#/components/requestBodies/Search" }, ...ok } },
  },
  components: { requestBodies: { Search: json } },
};

let result: OpenApiResult;

beforeAll(async () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  writeFileSync(path.join(DIR, FILE), `${JSON.stringify(spec, null, 2)}\n`);
  result = await loadOpenApi({ absPath: path.join(DIR, FILE), relPath: FILE }, DIR);
});

afterAll(() => rmSync(DIR, { recursive: true, force: true }));

function operation(name: string) {
  const found = result.model?.operations.find((o) => o.name === name);
  if (found === undefined) throw new Error(`no operation ${name}`);
  return found;
}

describe("requestBody on GET/HEAD", () => {
  it("is dropped from GET and HEAD operations, even when required or a $ref", () => {
    expect(operation("listItems").requestBody).toBeUndefined();
    expect(operation("search").requestBody).toBeUndefined();
    expect(operation("headItem").requestBody).toBeUndefined();
  });

  it("is kept on other methods", () => {
    expect(operation("createItem").requestBody).toEqual({ required: true, contentType: "application/json", kind: "json" });
    expect(operation("deleteItem").requestBody).toEqual({ required: true, contentType: "application/json", kind: "json" });
  });

  it("is reported once per spec, as a warning at the first requestBody's pointer that counts the others", () => {
    const found = result.diagnostics
      .filter((d) => d.code === "openapi/body-ignored")
      .map((d) => ({ severity: d.severity, message: d.message, file: d.location?.file, pointer: d.location?.pointer }));
    expect(found).toEqual([
      {
        severity: "warning",
        message: "GET and HEAD requests carry no body; this requestBody and 2 more on GET and HEAD operations are ignored",
        file: FILE,
        pointer: "#/paths/~1items/get/requestBody",
      },
    ]);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("says `this requestBody is ignored` when there is one", async () => {
    const one = { ...spec, paths: { "/search": spec.paths["/search"] } };
    writeFileSync(path.join(DIR, "one.json"), `${JSON.stringify(one, null, 2)}\n`);
    const loaded = await loadOpenApi({ absPath: path.join(DIR, "one.json"), relPath: "one.json" }, DIR);
    expect(loaded.diagnostics.filter((d) => d.code === "openapi/body-ignored").map((d) => [d.message, d.location?.pointer])).toEqual([
      ["GET requests carry no body; this requestBody is ignored", "#/paths/~1search/get/requestBody"],
    ]);
  });

  it("leaves no `body` in the params type of a GET, and keeps it on a POST", () => {
    const scope = new NameScope();
    const get = operation("listItems");
    const getTypes = operationTypes(get, 'paths["/items"]["get"]', operationNames(get, scope), "Multipart", () => "components");
    expect(getTypes).not.toMatch(/\bbody\??:/);
    const post = operation("createItem");
    const postTypes = operationTypes(post, 'paths["/items"]["post"]', operationNames(post, scope), "Multipart", () => "components");
    expect(postTypes).toContain('  body: NonNullable<paths["/items"]["post"]["requestBody"]>["content"]["application/json"];');
  });
});
