import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import openapiTS, { astToString, type OpenAPI3 } from "openapi-typescript";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { readableDocs } from "../../../src/specs/openapi/readable-docs.js";
import { FIXTURES, load, loadModel } from "./load.js";

const VALID = ["petstore-30.yaml", "api-31.json", "multi/openapi.yaml", "hostile.yaml"];

describe("typesSource", () => {
  // The types come from openapi-typescript's transform of our single bundle; this pins that they are exactly what
  // openapi-typescript produces when it reads, lints and bundles the same file itself.
  it.each(["petstore-30.yaml", "api-31.json", "multi/openapi.yaml"])(
    "%s: byte-identical to openapiTS(file) + astToString",
    async (rel) => {
      const model = await loadModel(rel);
      // Except for one thing svcgen does first: HTML descriptions become Markdown (doc-text.ts). Where that changes
      // the document (petstore's `<b>`), openapi-typescript gets the converted document.
      const raw = parseYaml(await readFile(path.join(FIXTURES, rel), "utf8")) as Record<string, unknown>;
      const readable = readableDocs(raw);
      const input = readable === raw ? pathToFileURL(path.join(FIXTURES, rel)) : (readable as unknown as OpenAPI3);
      const theirs = astToString(await openapiTS(input, { silent: true }));
      expect(new TextDecoder().decode(model.typesBody)).toBe(`${theirs.trimEnd()}\n`); // as types.ts holds it below the header
      expect(new TextDecoder().decode(model.typesBody)).toMatch(/^export interface paths \{/m);
      expect(new TextDecoder().decode(model.typesBody)).toMatch(/^export interface components \{/m);
      expect(new TextDecoder().decode(model.typesBody)).toMatch(/^export interface operations \{/m);
    },
  );

  it.each(VALID)("%s: parses as TypeScript and declares types only", async (rel) => {
    const model = await loadModel(rel);
    const file = ts.createSourceFile("types.ts", new TextDecoder().decode(model.typesBody), ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
    const parseErrors = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
    expect(parseErrors).toEqual([]);
    for (const statement of file.statements) {
      expect(ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)).toBe(true);
    }
  });
});

describe("determinism", () => {
  const temps: string[] = [];
  afterAll(async () => {
    for (const dir of temps) await rm(dir, { recursive: true, force: true });
  });

  it.each(VALID)("%s: loading twice gives identical JSON", async (rel) => {
    const first = JSON.stringify(await load(rel));
    const second = JSON.stringify(await load(rel));
    expect(second).toBe(first);
  });

  it("the same specs in two different directories give identical results without absolute paths", async () => {
    const results: string[] = [];
    for (const name of ["one", "two-longer-name"]) {
      const dir = await mkdtemp(path.join(os.tmpdir(), `svcgen-openapi-${name}-`));
      temps.push(dir);
      await cp(FIXTURES, dir, { recursive: true });
      const out = JSON.stringify(await Promise.all([...VALID, "invalid/broken-refs.yaml"].map((rel) => load(rel, dir))));
      expect(out).not.toContain(dir);
      expect(out).not.toContain(os.tmpdir());
      results.push(out);
    }
    expect(results[1]).toBe(results[0]);
  });

  it("typesSource of a fixture contains no absolute path", async () => {
    const model = await loadModel("multi/openapi.yaml");
    expect(new TextDecoder().decode(model.typesBody)).not.toContain(FIXTURES);
    expect(new TextDecoder().decode(model.typesBody)).not.toMatch(/file:\/\//);
  });
});
