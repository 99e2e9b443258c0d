// A spec's $refs and externalValues may read only its own folder and services.toml's ref_roots (src/specs/confine.ts).
// Real trees in a temp dir: a secret OUTSIDE the spec folder, symlinks leading out and staying in.
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { confinement, mayRead } from "../../src/specs/confine.js";
import { MARKER, allText, cliGen, gen, makeTree, servicesToml, written } from "./tree.js";

const SECRET = `type: object\ndescription: ${MARKER}\nproperties:\n  token:\n    type: string\n    description: ${MARKER}\n`;
const USER = "type: object\ndescription: A user.\nproperties:\n  name:\n    type: string\n";

/** A spec whose one operation returns `$ref: <ref>`; the ref object is on line 11, column 40. */
function spec(ref: string): string {
  return (
    'openapi: "3.0.3"\ninfo: {title: t, version: "1"}\npaths:\n  /a:\n    get:\n      operationId: getA\n' +
    "      responses:\n        \"200\":\n          description: ok\n          content:\n" +
    `            application/json: {schema: {$ref: ${JSON.stringify(ref)}}}\n`
  );
}

/** The usual tree: specs/api.yaml, a secret in outside/, a common schema folder, and symlinks both ways. */
function project(ref: string, toml = servicesToml()): string {
  return makeTree(
    {
      "services.toml": toml,
      "specs/api.yaml": spec(ref),
      "specs/models/user.yaml": USER,
      "outside/creds.yaml": SECRET,
      "common/schemas/user.yaml": USER,
    },
    {
      "specs/link-out.yaml": "../outside/creds.yaml",
      "specs/dir-out": "../outside",
      "specs/link-in.yaml": "models/user.yaml",
    },
  );
}

/** The `$ref` every project() spec has; a diagnostic at a line names its pointer too. */
const AT_REF = "(#/paths/~1a/get/responses/200/content/application~1json/schema)";

const refused = (ref: string, how = "", roots = "specs/"): string =>
  `specs/api.yaml:11:40: error: $ref ${JSON.stringify(ref)} leaves the allowed folders${how} (${roots}); add its folder to ref_roots in services.toml ${AT_REF}`;

describe("mayRead", () => {
  /** Two allowed folders (specs/, common/) beside a secret, a look-alike folder and symlinks every way. */
  const tree = (): string =>
    makeTree(
      { "specs/models/user.yaml": USER, "common/user.yaml": USER, "outside/creds.yaml": SECRET, "specs-evil/x.yaml": USER },
      {
        "specs/link-out.yaml": "../outside/creds.yaml",
        "specs/dir-out": "../outside",
        "specs/link-in.yaml": "models/user.yaml",
        "specs/link-common.yaml": "../common/user.yaml",
        "specs-link": "specs",
      },
    );
  const rows: Array<[string, { given: string; want: ReturnType<typeof mayRead> }]> = [
    ["a file in the folder", { given: "specs/models/user.yaml", want: { ok: true } }],
    ["a file in a second folder", { given: "common/user.yaml", want: { ok: true } }],
    ["a missing file inside (reading it fails later, as not found)", { given: "specs/nope.yaml", want: { ok: true } }],
    ["a file outside", { given: "outside/creds.yaml", want: { ok: false, via: "path" } }],
    ["a missing file outside", { given: "outside/nope.yaml", want: { ok: false, via: "path" } }],
    ["the folders' parent", { given: ".", want: { ok: false, via: "path" } }],
    ["a sibling whose name starts with the folder's", { given: "specs-evil/x.yaml", want: { ok: false, via: "path" } }],
    ["a symlinked file leading out", { given: "specs/link-out.yaml", want: { ok: false, via: "symlink" } }],
    ["a file under a symlinked folder leading out", { given: "specs/dir-out/creds.yaml", want: { ok: false, via: "symlink" } }],
    ["a symlink that stays inside", { given: "specs/link-in.yaml", want: { ok: true } }],
    ["a symlink into another allowed folder", { given: "specs/link-common.yaml", want: { ok: true } }],
  ];
  it.each(rows)("%s", (_name, { given, want }) => {
    const root = tree();
    expect(mayRead(confinement([path.join(root, "specs"), path.join(root, "common")]), path.join(root, given))).toEqual(want);
  });

  it("judges a symlinked allowed folder by its real path", () => {
    const root = tree();
    const linked = confinement([path.join(root, "specs-link")]);
    expect(mayRead(linked, path.join(root, "specs-link/models/user.yaml"))).toEqual({ ok: true });
    expect(mayRead(linked, path.join(root, "specs/models/user.yaml"))).toEqual({ ok: true });
    expect(mayRead(linked, path.join(root, "specs-link/link-out.yaml"))).toEqual({ ok: false, via: "symlink" });
  });
});

describe("OpenAPI $refs through generate()", () => {
  const cases: Array<[string, { ref: (root: string) => string; want: (root: string) => string }]> = [
    ["a .. escape", { ref: () => "../outside/creds.yaml", want: () => refused("../outside/creds.yaml") }],
    ["a deeper .. escape", { ref: () => "../../outside/creds.yaml", want: () => refused("../../outside/creds.yaml") }],
    ["an absolute path", { ref: (root) => path.join(root, "outside/creds.yaml"), want: (root) => refused(path.join(root, "outside/creds.yaml")) }],
    ["/etc/passwd", { ref: () => "/etc/passwd", want: () => refused("/etc/passwd") }],
    ["a symlinked file leading out", { ref: () => "./link-out.yaml", want: () => refused("./link-out.yaml", " through a symlink") }],
    ["a file under a symlinked folder", { ref: () => "dir-out/creds.yaml", want: () => refused("dir-out/creds.yaml", " through a symlink") }],
  ];

  it.each(cases)("refuses %s at the $ref, and reads nothing of it", async (_name, { ref, want }) => {
    const root = project("PLACEHOLDER");
    writeFileSync(path.join(root, "specs/api.yaml"), spec(ref(root)));
    const { result, printed } = await gen(root);
    expect(printed).toEqual([want(root)]);
    expect(result.diagnostics[0]).toMatchObject({ code: "openapi/ref-outside-roots", location: { pointer: "#/paths/~1a/get/responses/200/content/application~1json/schema" } });
    expect(result.files).toEqual([]);
    expect(JSON.stringify(result)).not.toContain(MARKER);
  });

  it("refuses without opening the file: a named pipe outside would block any read", { timeout: 60_000 }, async () => {
    const root = project("../outside/pipe.yaml");
    execFileSync("mkfifo", [path.join(root, "outside/pipe.yaml")]);
    const { printed } = await gen(root);
    expect(printed).toEqual([refused("../outside/pipe.yaml")]);
  });

  it.each([
    ["the service's ref_roots", servicesToml('ref_roots = ["outside"]\n')],
    ["[defaults] ref_roots", `[defaults]\nref_roots = ["outside"]\n\n${servicesToml()}`],
  ])("accepts the same ref once %s names its folder", async (_name, toml) => {
    const { result } = await gen(project("../outside/creds.yaml", toml));
    expect(result.diagnostics).toEqual([]);
    expect(written(result)).toContain(MARKER);
  });

  it("lists every allowed folder in the message, relative to the config", async () => {
    const root = project("../outside/creds.yaml", servicesToml('ref_roots = ["common/schemas"]\n'));
    const { printed } = await gen(root);
    expect(printed).toEqual([refused("../outside/creds.yaml", "", "specs/, common/schemas/")]);
  });

  it("reads from a ref_roots folder, and through a symlink that stays inside the spec folder", async () => {
    for (const ref of ["../common/schemas/user.yaml", "link-in.yaml"]) {
      const root = project(ref, servicesToml('ref_roots = ["common/schemas"]\n'));
      const { result } = await gen(root);
      expect(result.diagnostics).toEqual([]);
      expect(written(result)).toContain("A user.");
    }
  });

  it("refuses an externalValue example file outside the folders", async () => {
    const root = makeTree({
      "services.toml": servicesToml(),
      "specs/api.yaml":
        'openapi: "3.0.3"\ninfo: {title: t, version: "1"}\npaths:\n  /a:\n    get:\n      responses:\n        "200":\n' +
        "          description: ok\n          content:\n            application/json:\n              schema: {type: object}\n" +
        '              examples:\n                one: {externalValue: "../outside/example.json"}\n',
      "outside/example.json": JSON.stringify({ token: MARKER }),
    });
    const { result, printed } = await gen(root);
    expect(printed).toEqual([
      'specs/api.yaml:13:22: error: externalValue "../outside/example.json" leaves the allowed folders (specs/); add its folder to ref_roots in services.toml (#/paths/~1a/get/responses/200/content/application~1json/examples/one)',
    ]);
    expect(JSON.stringify(result)).not.toContain(MARKER);
  });

  it("refuses a ref made from a file the spec pulled in, relative to that file", async () => {
    const root = project("models/pet.yaml");
    writeFileSync(path.join(root, "specs/models/pet.yaml"), "type: object\nproperties:\n  owner: {$ref: '../../outside/creds.yaml'}\n");
    const { result, printed } = await gen(root);
    expect(printed).toEqual([
      'specs/models/pet.yaml:3:10: error: $ref "../../outside/creds.yaml" leaves the allowed folders (specs/); add its folder to ref_roots in services.toml (#/properties/owner)',
    ]);
    expect(JSON.stringify(result)).not.toContain(MARKER);
  });
});

describe("the real CLI", () => {
  it("exits 2 with the located error, prints no secret and creates no output folder", async () => {
    const root = project("../outside/creds.yaml");
    const run = await cliGen(root);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `${refused("../outside/creds.yaml")}\n`,
    );
    expect(run.stdout).not.toContain(MARKER);
    expect(existsSync(path.join(root, "generated"))).toBe(false);
  });

  it("generates once ref_roots allows the folder", async () => {
    const root = project("../outside/creds.yaml", servicesToml('ref_roots = ["outside"]\n'));
    const run = await cliGen(root);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(allText(path.join(root, "generated"))).toContain(MARKER);
  });
});
