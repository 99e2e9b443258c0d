// services.toml's per-method overrides in the baked gRPC definition: emitted as a `methods` list of plain literals
// only when some method has one (so other output is unchanged), and .proto names reach the code only as strings.
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { generate } from "../../../src/generate.js";
import { generateInto } from "../../support/generated.js";
import { REPO, TMP } from "../../support/repo.js";
import { typeCheck } from "../../support/tsc.js";

const HOSTILE = path.join(REPO, "test", "fixtures", "proto", "hostile");

function codeOnly(text: string): string {
  const file = ts.createSourceFile("x.ts", text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  return ts.createPrinter({ removeComments: true }).printFile(file);
}

describe("per-method overrides", () => {
  const out = path.join(TMP, "emit-grpc-overrides");

  it("are a `methods` list in the definition, in .proto order, with only the keys services.toml sets", async () => {
    const result = await generateInto(HOSTILE, out, "overrides.toml");
    expect(result.diagnostics).toEqual([]);
    const index = readFileSync(path.join(out, "clients/then/index.ts"), "utf8");
    expect(index).toContain(
      "  grpcRetryOn: [\"UNAVAILABLE\"],\n" +
        "  methods: [\n" +
        "    {\n" +
        '      name: "class.delete.toString/constructor",\n' +
        "      idempotent: true,\n" +
        "      timeoutMs: 1234,\n" +
        "    },\n" +
        "    {\n" +
        '      name: "class.delete.toString/Then",\n' +
        "      idempotent: false,\n" +
        "    },\n" +
        "    {\n" +
        '      name: "class.delete.Message/Get",\n' +
        "      timeoutMs: 50,\n" +
        "    },\n" +
        "  ],\n};\n",
    );
    // The stub's docs say where the policy came from.
    expect(index).toContain("`/class.delete.toString/constructor` (unary). Idempotent (services.toml): retried on UNAVAILABLE. Deadline 1234 ms (services.toml).");
    expect(index).toContain("`/class.delete.toString/Then` (unary). Not declared idempotent (services.toml): retried only when no server can have received it.");
    for (const bad of ["process.exit", "pwned", "</script>", "${"]) expect(codeOnly(index), bad).not.toContain(bad);
    const { code, output } = typeCheck(out);
    expect(output).toBe("");
    expect(code).toBe(0);
  });

  it("evaluate to plain data without running anything", async () => {
    const before = new Set(Object.keys(globalThis));
    const mod = (await import(pathToFileURL(path.join(out, "clients/then/index.ts")).href)) as { thenGrpcDefinition: { methods?: unknown } };
    expect(Object.keys(globalThis).filter((k) => !before.has(k))).toEqual([]);
    expect(mod.thenGrpcDefinition.methods).toEqual([
      { name: "class.delete.toString/constructor", idempotent: true, timeoutMs: 1234 },
      { name: "class.delete.toString/Then", idempotent: false },
      { name: "class.delete.Message/Get", timeoutMs: 50 },
    ]);
  });

  it("are absent without any: the definition has no `methods`", async () => {
    const result = await generate({ configPath: "services.toml", cwd: HOSTILE });
    const index = result.files.find((f) => f.path === "clients/then/index.ts")!.content;
    expect(index).not.toContain("methods:");
    expect(index).not.toContain("(services.toml)");
  });
});
