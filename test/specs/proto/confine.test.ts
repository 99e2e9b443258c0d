// .proto imports may read only the import directories (proto_paths and the config's folder) and ref_roots, symlinks
// resolved (src/specs/confine.ts). The config sits in project/, so anything beside project/ is outside.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generate } from "../../../src/generate.js";
import { formatDiagnostic } from "../../../src/config/diagnostics.js";
import { MARKER, makeTree, written } from "../tree.js";

const P3 = 'syntax = "proto3";\n';
const ENTRY = `${P3}package a;\nimport "common.proto";\nservice S { rpc Get(common.Msg) returns (common.Msg); }\n`;
const COMMON = `${P3}package common;\n// ${MARKER}\nmessage Msg { string ${MARKER} = 1; }\n`;

function toml(extra = "", proto = "protos/a.proto"): string {
  return `[external_services.api]\nurl = "http://api:8080"\nproto = "${proto}"\nproto_paths = ["protos"]\n${extra}`;
}

async function run(files: Record<string, string>, links: Record<string, string> = {}) {
  const root = makeTree(files, links);
  const result = await generate({ configPath: "services.toml", cwd: path.join(root, "project") });
  return { result, printed: result.diagnostics.map(formatDiagnostic) };
}

const outsideVia = (how: string, roots = "protos/, ./"): string =>
  `protos/a.proto:3:8: error: import "common.proto" leaves the allowed folders${how} (${roots}); add its folder to ref_roots in services.toml`;

describe("proto imports", () => {
  it("refuses a symlinked file that leads out of the folders, without reading it", async () => {
    const { result, printed } = await run(
      { "project/services.toml": toml(), "project/protos/a.proto": ENTRY, "outside/common.proto": COMMON },
      { "project/protos/common.proto": "../../outside/common.proto" },
    );
    expect(printed).toEqual([outsideVia(" through a symlink")]);
    expect(result.diagnostics[0]!.code).toBe("proto/import-outside-roots");
    expect(result.files).toEqual([]);
    expect(JSON.stringify(result)).not.toContain(MARKER);
    expect(result.inputs.some((f) => f.includes("outside"))).toBe(false);
  });

  it("refuses a file under a symlinked folder that leads out", async () => {
    const entry = ENTRY.replace('"common.proto"', '"vendor/common.proto"');
    const { printed } = await run(
      { "project/services.toml": toml(), "project/protos/a.proto": entry, "outside/common.proto": COMMON },
      { "project/protos/vendor": "../../outside" },
    );
    expect(printed).toEqual([outsideVia(" through a symlink").replace('"common.proto"', '"vendor/common.proto"')]);
  });

  it("checks the fallback next to the importing file too", async () => {
    // The entry is trusted wherever services.toml points; what it imports from beside itself is not.
    const { printed } = await run({
      "project/services.toml": toml("", "../elsewhere/a.proto"),
      "elsewhere/a.proto": ENTRY,
      "elsewhere/common.proto": COMMON,
    });
    expect(printed).toEqual([
      '../elsewhere/a.proto:3:8: error: import "common.proto" leaves the allowed folders (protos/, ./); add its folder to ref_roots in services.toml',
    ]);
  });

  it("ref_roots allows an import directory outside the project", async () => {
    const { result, printed } = await run(
      { "project/services.toml": toml('ref_roots = ["../common-protos"]\n'), "project/protos/a.proto": ENTRY, "common-protos/common.proto": COMMON },
      { "project/protos/common.proto": "../../common-protos/common.proto" },
    );
    expect(printed).toEqual([]);
    expect(written(result)).toContain("common.Msg");
  });

  it("without ref_roots the same import is refused, and the message lists ref_roots folders when set", async () => {
    const files = { "project/protos/a.proto": ENTRY, "common-protos/common.proto": COMMON, "project/vendor/x.proto": P3 };
    const links = { "project/protos/common.proto": "../../common-protos/common.proto" };
    expect((await run({ ...files, "project/services.toml": toml() }, links)).printed).toEqual([outsideVia(" through a symlink")]);
    expect((await run({ ...files, "project/services.toml": toml('ref_roots = ["vendor"]\n') }, links)).printed).toEqual([
      outsideVia(" through a symlink", "protos/, ./, vendor/"),
    ]);
  });

  it("a symlink that stays inside the folders is fine", async () => {
    const { printed } = await run(
      { "project/services.toml": toml(), "project/protos/a.proto": ENTRY, "project/third_party/common.proto": COMMON },
      { "project/protos/common.proto": "../third_party/common.proto" },
    );
    expect(printed).toEqual([]);
  });
});
