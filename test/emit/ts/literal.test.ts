// The text that carries spec values into generated code: whatever a spec says, a template() literal reads back as
// exactly that text, and json() inside it as exactly that data (TypeScript's own scanner is the judge).
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { json, str, template } from "../../../src/emit/ts/literal.js";

/** The value TypeScript gives a template literal with no substitutions, and whether that is all the code holds. */
function read(code: string): { value: string | undefined; statements: number } {
  const file = ts.createSourceFile("x.ts", `const v = ${code};`, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const init = (file.statements[0] as ts.VariableStatement | undefined)?.declarationList.declarations[0]?.initializer;
  return { value: init && ts.isNoSubstitutionTemplateLiteral(init) ? init.text : undefined, statements: file.statements.length };
}

const TEXTS: Array<[string, string]> = [
  ["plain", "/v1/users/{id}"],
  ["backtick", "`back`"],
  ["a substitution", "${process.exit(1)}"],
  ["a lone dollar and brace", "$ {} ${"],
  ["backslashes", "C:\\path\\n\\`"],
  ["line breaks", "a\nb\r\nc\u2028d\u2029e"],
  ["quotes and a script end", `'single' "double" </script>`],
];

describe("template()", () => {
  it.each(TEXTS)("%s: reads back as the same text, one literal", (_, text) => {
    expect(read(template(text))).toEqual({ value: text, statements: 1 });
  });
});

describe("json() inside template()", () => {
  const values: Array<[string, unknown]> = [
    ["hostile names", [{ name: "__proto__" }, { name: "a\"b\n*/ process.exit(1) //" }, { name: "${x}`y`\\z" }]],
    ["line separators", { path: "/a\u2028b\u2029c" }],
    ["numbers and booleans", { timeoutMs: 1500, maxResponseBytes: 9007199254740991, idempotent: false }],
  ];
  it.each(values)("%s: JSON.parse of the literal gives the same data", (_, value) => {
    const { value: text } = read(template(json(value)));
    expect(JSON.parse(text!)).toEqual(value);
  });

  it("escapes U+2028 and U+2029, as str() does", () => {
    expect(json({ a: "\u2028\u2029" })).toBe('{"a":"\\u2028\\u2029"}');
    expect(str("\u2028")).toBe('"\\u2028"');
  });
});
