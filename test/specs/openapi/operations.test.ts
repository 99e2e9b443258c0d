import { beforeAll, describe, expect, it } from "vitest";
import type { OpenApiModel, ParameterModel } from "../../../src/model/types.js";
import { load, loadModel, op } from "./load.js";

const param = (p: Partial<ParameterModel> & Pick<ParameterModel, "name" | "in">): ParameterModel => ({
  required: false,
  style: p.in === "query" || p.in === "cookie" ? "form" : "simple",
  explode: p.in === "query" || p.in === "cookie",
  shape: "primitive",
  deprecated: false,
  ...p,
});

describe("OpenAPI 3.0 YAML (petstore-30.yaml)", () => {
  let model: OpenApiModel;
  beforeAll(async () => {
    model = await loadModel("petstore-30.yaml");
  });

  it("reads the header fields and sorts operations by name", () => {
    expect(model.file).toBe("petstore-30.yaml");
    expect(model.inputs).toEqual(["petstore-30.yaml"]);
    expect(model.openapiVersion).toBe("3.0.3");
    expect(model.title).toBe("Petstore (3.0 fixture)");
    expect(model.version).toBe("1.2.0");
    expect(model.operations.map((o) => o.name)).toEqual([
      "createPet",
      "delete_",
      "getPet",
      "getTree",
      "health_",
      "listPets",
      "patchPet",
      "postPetsByPetIdNotes",
      "putPhotoRaw",
      "replacePet",
      "uploadPhoto",
    ]);
  });

  it("keeps text unevaluated (its HTML made Markdown) and locates the operation by JSON pointer", () => {
    const list = op(model, "listPets");
    expect(list).toMatchObject({
      operationId: "listPets",
      method: "get",
      path: "/pets",
      summary: "List pets",
      // `<b>` makes it HTML: the empty bold goes, and no comment terminator is left (doc-text.ts).
      description: "Raw text: *\\/ `backticks` ${notEvaluated}",
      deprecated: false,
      idempotent: true,
      location: { file: "petstore-30.yaml", pointer: "#/paths/~1pets/get" },
    });
    expect(op(model, "getPet").location.pointer).toBe("#/paths/~1pets~1{petId}/get");
  });

  it("resolves parameter $refs, applies style/explode defaults and derives shapes through $ref/allOf", () => {
    expect(op(model, "listPets").parameters).toEqual([
      param({ name: "X-Request-Id", in: "header" }),
      param({ name: "filter", in: "query", style: "deepObject", explode: false, shape: "object" }),
      param({ name: "ids", in: "query", style: "pipeDelimited", explode: false, shape: "array" }),
      param({ name: "limit", in: "query" }),
      param({ name: "session", in: "cookie" }),
      param({ name: "tags", in: "query", shape: "array" }),
    ]);
  });

  it("merges path-level parameters; the operation's wins by (name, in)", () => {
    const petId = param({ name: "petId", in: "path", required: true, description: "path-level parameter" });
    expect(op(model, "getPet").parameters).toEqual([
      petId,
      param({ name: "verbose", in: "query", required: true, description: "operation-level override" }),
    ]);
    expect(op(model, "patchPet").parameters).toEqual([petId, param({ name: "verbose", in: "query" })]);
  });

  it("classifies every request body kind, JSON preferred", () => {
    expect(op(model, "createPet").requestBody).toEqual({ required: true, contentType: "application/json", kind: "json" });
    expect(op(model, "replacePet").requestBody).toEqual({
      required: true,
      contentType: "application/vnd.pets+json",
      kind: "json",
    });
    expect(op(model, "patchPet").requestBody).toEqual({
      required: false,
      contentType: "application/x-www-form-urlencoded",
      kind: "form",
    });
    expect(op(model, "uploadPhoto").requestBody).toEqual({
      required: false,
      contentType: "multipart/form-data",
      kind: "multipart",
    });
    expect(op(model, "postPetsByPetIdNotes").requestBody).toEqual({
      required: false,
      contentType: "text/plain",
      kind: "text",
    });
    expect(op(model, "putPhotoRaw").requestBody).toEqual({
      required: true,
      contentType: "application/octet-stream",
      kind: "binary",
    });
    expect(op(model, "getPet").requestBody).toBeUndefined();
  });

  it("classifies responses: json, text, binary, empty (204 even with content), 2XX, 4XX and default", () => {
    expect(op(model, "listPets").success).toEqual([{ status: "200", contentType: "application/json", kind: "json" }]);
    expect(op(model, "listPets").errors).toEqual([
      { status: "4XX", contentType: "application/problem+json", kind: "json" },
      { status: "default", contentType: "application/json", kind: "json" },
    ]);
    expect(op(model, "getPet").errors).toEqual([{ status: "404", contentType: "application/json", kind: "json" }]);
    expect(op(model, "replacePet").success).toEqual([{ status: "204", kind: "empty" }]);
    expect(op(model, "delete_").success).toEqual([{ status: "204", kind: "empty" }]);
    expect(op(model, "patchPet").success).toEqual([{ status: "2XX", kind: "empty" }]);
    expect(op(model, "putPhotoRaw").success).toEqual([{ status: "201", kind: "empty" }]);
    expect(op(model, "postPetsByPetIdNotes").success).toEqual([
      { status: "200", contentType: "text/plain; charset=utf-8", kind: "text" },
    ]);
    expect(op(model, "uploadPhoto").success).toEqual([{ status: "200", contentType: "image/png", kind: "binary" }]);
    expect(op(model, "getTree").success).toEqual([{ status: "200", contentType: "application/json", kind: "json" }]);
  });

  it("marks idempotency by method or x-idempotent, and deprecation", () => {
    expect(op(model, "replacePet").idempotent).toBe(true);
    expect(op(model, "delete_")).toMatchObject({ idempotent: true, deprecated: true });
    expect(op(model, "createPet").idempotent).toBe(false);
    expect(op(model, "patchPet").idempotent).toBe(false);
    expect(op(model, "uploadPhoto").idempotent).toBe(true);
  });

  it("types cover circular schemas, discriminated oneOf/allOf, nullable and enums", () => {
    const types = new TextDecoder().decode(model.typesBody);
    expect(types).toContain('children?: components["schemas"]["Node"][];');
    expect(types).toContain("nickname?: string | null;");
    expect(types).toContain('status?: "available" | "pending" | "sold";');
    expect(types).toContain("size?: 1 | 2 | 3;");
    expect(types).toContain('Pet: components["schemas"]["Cat"] | components["schemas"]["Dog"];');
    // openapi-typescript narrows the discriminator property of each mapped member (it patches the document,
    // which is why operations are extracted first).
    expect(types).toContain('Cat: components["schemas"]["PetBase"] & {');
    expect(types).toContain('kind: "cat";');
    expect(types).toContain('kind: "dog";');
  });
});

describe("OpenAPI 3.1 JSON (api-31.json)", () => {
  let model: OpenApiModel;
  beforeAll(async () => {
    model = await loadModel("api-31.json");
  });

  it("names operations: collisions, leading digits, reserved names, no operationId, pathItems $ref", () => {
    expect(model.openapiVersion).toBe("3.1.0");
    expect(model.operations.map((o) => [o.name, o.method, o.path])).toEqual([
      ["_2faVerify", "post", "/mfa"],
      ["getShared", "get", "/shared"],
      ["getUsersByUserIdPostsByPostId", "get", "/users/{userId}/posts/{postId}"],
      ["listUsers", "get", "/users"],
      ["listUsers2", "post", "/users"],
      ["then_", "get", "/then"],
    ]);
    expect(op(model, "getShared").location.pointer).toBe("#/paths/~1shared/get");
  });

  it("reads 3.1 type arrays and content-described parameters", () => {
    expect(op(model, "listUsers").parameters).toEqual([
      param({ name: "ids", in: "query", shape: "array" }),
      // `content` instead of `schema`: the media type and openapi-typescript's text for its schema are recorded.
      param({ name: "where", in: "query", shape: "object", contentType: "application/json", schemaType: "Record<string, never>" }),
    ]);
  });

  it("sorts path parameters by template order, the rest by name then location", () => {
    expect(op(model, "getUsersByUserIdPostsByPostId").parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      "path:userId",
      "path:postId",
      "query:a",
      "header:a",
      "query:b",
    ]);
  });

  it("classifies vendor JSON, */* and text responses", () => {
    expect(op(model, "listUsers2").requestBody).toEqual({
      required: false,
      contentType: "application/vnd.api+json",
      kind: "json",
    });
    expect(op(model, "getUsersByUserIdPostsByPostId").success).toEqual([
      { status: "200", contentType: "*/*", kind: "binary" },
    ]);
    expect(op(model, "getUsersByUserIdPostsByPostId").errors).toEqual([{ status: "5XX", kind: "empty" }]);
    expect(op(model, "then_").success).toEqual([{ status: "200", contentType: "text/csv", kind: "text" }]);
  });

  it("types 3.1 nullability, const and enums with null; webhooks are not operations", () => {
    expect(new TextDecoder().decode(model.typesBody)).toContain("nickname?: string | null;");
    expect(new TextDecoder().decode(model.typesBody)).toContain('role?: "admin" | "member" | null;');
    expect(new TextDecoder().decode(model.typesBody)).toContain('kind?: "user";');
    expect(model.operations.some((o) => o.operationId === "onUserCreated")).toBe(false);
  });
});

describe("multi-file $refs (multi/)", () => {
  it("bundles path items, parameters and schemas from other files and lists every input", async () => {
    const model = await loadModel("multi/openapi.yaml");
    expect(model.file).toBe("multi/openapi.yaml");
    expect(model.inputs).toEqual([
      "multi/openapi.yaml",
      "multi/components.yaml",
      "multi/paths/users.yaml",
      "multi/schemas/address.yaml",
      "multi/schemas/user.yaml",
    ]);
    expect(model.operations.map((o) => [o.name, o.location.pointer, o.parameters])).toEqual([
      ["getUser", "#/paths/~1users~1{id}/get", [param({ name: "id", in: "path", required: true })]],
      ["listUsers", "#/paths/~1users/get", [param({ name: "page", in: "query" })]],
    ]);
    expect(new TextDecoder().decode(model.typesBody)).toContain('"application/json": components["schemas"]["user"][];');
    expect(new TextDecoder().decode(model.typesBody)).toContain('address?: components["schemas"]["address"];');
  });

  it("paths are relative to the config directory, whichever it is", async () => {
    const result = await load("openapi.yaml", `${(await import("./load.js")).FIXTURES}/multi`);
    expect(result.model?.inputs).toEqual([
      "openapi.yaml",
      "components.yaml",
      "paths/users.yaml",
      "schemas/address.yaml",
      "schemas/user.yaml",
    ]);
  });
});

describe("hostile spec (hostile.yaml)", () => {
  it("keeps spec-controlled keys as data and never pollutes prototypes", async () => {
    const model = await loadModel("hostile.yaml");
    expect(model.title).toBe("*/ hostile ${process.exit(1)} `x`");
    expect(model.operations.map((o) => [o.name, o.operationId])).toEqual([
      ["constructor_", "constructor"],
      ["proto", "__proto__"],
      ["toString_", "toString"],
    ]);
    expect(op(model, "proto").parameters.map((p) => p.name)).toEqual(["__proto__", "a'b\"c`d${e}", "constructor"]);
    // `#/components/schemas/constructor` is the spec's own object schema, not Object.prototype.constructor.
    expect(op(model, "proto").parameters.find((p) => p.name === "constructor")?.shape).toBe("object");
    expect(op(model, "constructor_").success).toEqual([{ status: "200", contentType: "application/json", kind: "json" }]);
    expect(Object.getPrototypeOf(op(model, "proto"))).toBe(Object.prototype);
    expect((Object.prototype as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});
