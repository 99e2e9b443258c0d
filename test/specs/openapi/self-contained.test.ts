// bundleInPlace against Redocly's bundle(): whenever it takes a spec, the document is exactly what bundle() makes of
// it (same keys in the same order) and bundle() reports nothing; whatever it declines, bundle() gets.
import { bundle } from "@redocly/openapi-core";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { confinement } from "../../../src/specs/confine.js";
import { redoclyConfig } from "../../../src/specs/openapi/bundle.js";
import { LocalResolver } from "../../../src/specs/openapi/resolver.js";
import { bundleInPlace } from "../../../src/specs/openapi/self-contained.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const dir = mkdtempSync(path.join(os.tmpdir(), "svcgen-self-contained-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function both(file: string): Promise<{ taken: unknown; bundled: unknown; problems: string[] }> {
  const config = await redoclyConfig();
  const parse = async () => {
    const resolver = new LocalResolver({ entry: file, confinement: confinement([path.dirname(file)]), shownRoots: ["./"] });
    const root = await resolver.resolveDocument(null, file, true);
    if (root instanceof Error) throw root;
    return { resolver, root };
  };
  const mine = await parse();
  const theirs = await parse();
  const taken = bundleInPlace(mine.root, config);
  const result = await bundle({ doc: theirs.root, externalRefResolver: theirs.resolver, config, dereference: false });
  return { taken, bundled: result.bundle.parsed, problems: result.problems.map((p) => p.message) };
}

function spec(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const head = "openapi: 3.0.3\ninfo: { title: T, version: '1' }\n";
const pet = "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: { $ref: '#/components/schemas/Pet' }\n";

const cases: Array<[string, { text: string; taken: boolean }]> = [
  ["no components: bundle() adds an empty one", { text: `${head}paths: {}\n`, taken: true }],
  ["local $refs only", { text: `${head}paths:\n  /p:\n    get:\n${pet}components:\n  schemas:\n    Pet: { type: object }\n`, taken: true }],
  [
    "an Example's value given as a $ref: replaced by its target, as bundle() does",
    {
      text: `${head}paths:\n  /p:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              examples:\n                one: { summary: s, value: { $ref: '#/components/examples/Pet' } }\n                two: { value: { $ref: '#/components/examples/Pet/value/name' } }\ncomponents:\n  examples:\n    Pet: { value: { name: rex } }\n`,
      taken: true,
    },
  ],
  [
    "a discriminator mapping naming schemas",
    {
      text: `${head}paths:\n  /p:\n    get:\n${pet}components:\n  schemas:\n    Pet:\n      oneOf: [{ $ref: '#/components/schemas/Cat' }]\n      discriminator: { propertyName: kind, mapping: { cat: '#/components/schemas/Cat' } }\n    Cat: { type: object }\n`,
      taken: true,
    },
  ],
  [
    "a mapping to a schema that is itself a $ref (bundle() renames it)",
    {
      text: `${head}paths:\n  /p:\n    get:\n${pet}components:\n  schemas:\n    Pet:\n      oneOf: [{ $ref: '#/components/schemas/Cat' }]\n      discriminator: { propertyName: kind, mapping: { cat: '#/components/schemas/Kitty' } }\n    Kitty: { $ref: '#/components/schemas/Cat' }\n    Cat: { type: object }\n`,
      taken: false,
    },
  ],
  [
    "a mapping by bare name (bundle() reports it)",
    {
      text: `${head}paths:\n  /p:\n    get:\n${pet}components:\n  schemas:\n    Pet:\n      oneOf: [{ $ref: '#/components/schemas/Cat' }]\n      discriminator: { propertyName: kind, mapping: { cat: Cat } }\n    Cat: { type: object }\n`,
      taken: false,
    },
  ],
  ["an unresolved local $ref", { text: `${head}paths:\n  /p:\n    get:\n${pet}components: {}\n`, taken: false }],
  ["a $ref to another file", { text: `${head}paths:\n  /p:\n    get:\n${pet.replace("#/components/schemas/Pet", "other.yaml#/Pet")}`, taken: false }],
  [
    "an externalValue",
    { text: `${head}paths: {}\ncomponents:\n  examples:\n    E: { externalValue: 'e.json' }\n`, taken: false },
  ],
  [
    "a shared (aliased) object holding a $ref where a scalar is expected",
    {
      text: `${head}paths:\n  /p:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              examples:\n                one: &ex { value: { $ref: '#/components/examples/Pet' } }\n                two: *ex\ncomponents:\n  examples:\n    Pet: { value: { name: rex } }\n`,
      taken: false,
    },
  ],
];

describe("bundleInPlace", () => {
  it.each(cases)("%s", async (name, { text, taken }) => {
    writeFileSync(path.join(dir, "other.yaml"), "Pet: { type: object }\n");
    const result = await both(spec(`${name.replace(/\W+/g, "-")}.yaml`, text));
    if (!taken) {
      expect(result.taken).toBeUndefined();
      return;
    }
    expect(result.problems).toEqual([]);
    expect(JSON.stringify(result.taken)).toBe(JSON.stringify(result.bundled));
  });

  // Every single-file spec the tests and examples use: taken or not, never different.
  const fixtures = [
    ...["examples/specs", "test/fixtures/openapi"].map((d) => path.join(REPO, d)),
    ...readdirSync(path.join(REPO, "test/golden")).map((c) => path.join(REPO, "test/golden", c, "specs")),
  ].flatMap((d) => {
    try {
      return readdirSync(d).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => path.join(d, f));
    } catch {
      return [];
    }
  });
  it("agrees with bundle() on every fixture spec", async () => {
    expect(fixtures.length).toBeGreaterThan(10);
    let taken = 0;
    for (const file of fixtures) {
      let result;
      try {
        result = await both(file);
      } catch {
        continue; // not parseable on its own: the loader's tests cover those
      }
      if (result.taken === undefined) continue;
      taken++;
      expect(result.problems, file).toEqual([]);
      expect(JSON.stringify(result.taken), file).toBe(JSON.stringify(result.bundled));
    }
    expect(taken).toBeGreaterThan(5);
  });
});
