// Every problem in .proto input is one located diagnostic, `file:line:col: error: message`, like the other inputs.
// Table-driven: each case is a small project of .proto files; the entry is a.proto.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../../src/config/diagnostics.js";
import { loadProto } from "../../../src/specs/proto/index.js";
import { TMP } from "../../support/repo.js";

const ROOT = path.join(TMP, "proto-diagnostics");
const TOML_AT = { file: "services.toml", line: 9, column: 1 };

function diagnose(name: string, files: Record<string, string>, entries = ["a.proto"], protoPaths: string[] = []): string[] {
  const dir = path.join(ROOT, name);
  rmSync(dir, { recursive: true, force: true });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  const result = loadProto({ files: entries, protoPaths, baseDir: dir, retryOn: [], show: (abs) => path.relative(dir, abs), at: TOML_AT });
  if (result.diagnostics.length > 0) expect(result.model).toBeUndefined();
  return result.diagnostics.map(formatDiagnostic);
}

const P3 = 'syntax = "proto3";\n';

const cases: Array<[string, Record<string, string>, string[]]> = [
  [
    "missing semicolon",
    { "a.proto": `${P3}package a;\nmessage A {\n  int32 x = 1\n  string y = 2;\n}\n` },
    ['a.proto:5:3: error: syntax error: expected ";" but found "string"'],
  ],
  ["unexpected token", { "a.proto": `${P3}message A {\n  int32 x = = 1;\n}\n` }, ['a.proto:3:13: error: syntax error: invalid id "="']],
  ["end of file inside a message", { "a.proto": `${P3}message A {\n  int32 x = 1;\n` }, ["a.proto:3:15: error: syntax error: unexpected end of file"]],
  ["unterminated string", { "a.proto": `${P3}import "b.proto\nmessage A {}\n` }, ["a.proto:2:8: error: syntax error: unterminated string"]],
  ["unterminated comment", { "a.proto": `${P3}/* never closed\nmessage A {}\n` }, ["a.proto:2:1: error: syntax error: unterminated comment"]],
  ["unknown syntax", { "a.proto": 'syntax = "proto4";\n' }, ['a.proto:1:10: error: unsupported syntax "proto4" (use "proto3" or "proto2")']],
  [
    "missing import",
    { "a.proto": `${P3}import "nope/b.proto";\nmessage A {}\n` },
    ['a.proto:2:8: error: .proto import file not found: nope/b.proto (searched ./; add its directory to proto_paths)'],
  ],
  [
    "import outside the import directories",
    { "a.proto": `${P3}import "../x.proto";\n` },
    ['a.proto:2:8: error: import path "../x.proto" must be relative to an import directory, without "." or ".." segments'],
  ],
  [
    "unknown types in a field, a map value and an rpc",
    { "a.proto": `${P3}package p;\nmessage A {\n  Missing m = 1;\n  map<string, Other> o = 2;\n}\nservice S {\n  rpc Do(A) returns (Nope);\n}\n` },
    ['a.proto:4:3: error: unknown type "Missing"', 'a.proto:5:15: error: unknown type "Other"', 'a.proto:8:22: error: unknown type "Nope"'],
  ],
  [
    "a type from a file that is not imported",
    {
      "a.proto": `${P3}package p;\nimport "b.proto";\nmessage A { q.C c = 1; }\n`,
      "b.proto": `${P3}package p;\nimport "c.proto";\nmessage B {}\n`,
      "c.proto": `${P3}package q;\nmessage C {}\n`,
    },
    ['a.proto:4:13: error: "q.C" is defined in c.proto, which a.proto does not import'],
  ],
  ["__proto__ as a name", { "a.proto": `${P3}message A {\n  int32 __proto__ = 1;\n}\n` }, ['a.proto:3:9: error: the name "__proto__" is not supported (protobufjs cannot represent it); rename it']],
  ["editions", { "a.proto": 'edition = "2023";\nmessage A {}\n' }, ['a.proto:1:1: error: protobuf editions are not supported yet; use syntax = "proto3" or "proto2"']],
  [
    "proto2 groups",
    { "a.proto": 'syntax = "proto2";\nmessage A {\n  optional group G = 1 { optional int32 x = 2; }\n}\n' },
    ["a.proto:3:12: error: proto2 groups are not supported; use a nested message"],
  ],
  ["a proto3 enum not starting at 0", { "a.proto": `${P3}enum E {\n  E_ONE = 1;\n}\n` }, ["a.proto:2:6: error: the first value of proto3 enum E must be 0"]],
  [
    "two fields with the same property name",
    { "a.proto": `${P3}message A {\n  int32 foo_bar = 1;\n  int32 fooBar = 2;\n}\n` },
    ['a.proto:4:3: error: fields "foo_bar" and "fooBar" of A both become the property "fooBar"; rename one'],
  ],
  ["an import cycle", { "a.proto": `${P3}import "b.proto";\n`, "b.proto": `${P3}import "a.proto";\n` }, ["b.proto:2:8: error: import cycle: a.proto → b.proto → a.proto"]],
  [
    "a name defined in two files",
    { "a.proto": `${P3}package p;\nimport "b.proto";\nmessage Same {}\n`, "b.proto": `${P3}package p;\nmessage Same {}\n` },
    ['a.proto:4:9: error: "Same" is already defined in p'],
  ],
  ["a field number used twice", { "a.proto": `${P3}message A {\n  int32 x = 1;\n  int32 y = 1;\n}\n` }, ["a.proto:4:9: error: field number 1 is used twice in A"]],
  [
    "an enum as rpc input",
    { "a.proto": `${P3}enum E { E_A = 0; }\nmessage M {}\nservice S { rpc Do(E) returns (M); }\n` },
    ['a.proto:4:17: error: "E" is an enum; rpc Do needs a message type'],
  ],
  [
    "several files with problems, all reported",
    { "a.proto": `${P3}import "b.proto";\nmessage A { int32 x = 1 }\n`, "b.proto": `${P3}message B { string s = 1 \n` },
    ['a.proto:3:25: error: syntax error: expected ";" but found "}"', "b.proto:2:26: error: syntax error: expected \";\" but found the end of the file"],
  ],
];

describe("proto diagnostics", () => {
  it.each(cases)("%s", (name, files, want) => {
    expect(diagnose(name.replace(/\W+/g, "-"), files)).toEqual(want);
  });

  it("an entry file that cannot be read is reported at the proto key in services.toml", () => {
    expect(diagnose("unreadable", { "other.proto": P3 }, ["missing.proto"])).toEqual(["services.toml:9:1: error: .proto file not found: missing.proto"]);
  });

  it("finds imports through proto_paths, in order, before the config folder", () => {
    const files = { "a.proto": `${P3}import "common.proto";\nmessage A { c.C c = 1; }\n`, "first/common.proto": `${P3}package c;\nmessage C {}\n`, "second/common.proto": "broken" };
    expect(diagnose("proto-paths", files, ["a.proto"], ["first", "second"])).toEqual([]);
    expect(diagnose("proto-paths-reversed", files, ["a.proto"], ["second", "first"])).toEqual(["second/common.proto:1:1: error: syntax error: unexpected \"broken\""]);
  });
});
