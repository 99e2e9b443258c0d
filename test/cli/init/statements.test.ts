// Where TOML statements start and end: strings, brackets and comments that could fool a line-based reader.
import { describe, expect, it } from "vitest";
import { splitStatements } from "../../../src/cli/init/statements.js";

const cases: [string, { given: string; want: [kind: string, line: number, lines: number][] }][] = [
  ["one statement per line", { given: '[a]\nx = 1\ny = "#not a comment"\n', want: [["header", 1, 1], ["key", 2, 1], ["key", 3, 1]] }],
  ["an array over lines, with comments and brackets in strings", { given: 'x = [ # c\n  "]",\n  [1], # ]\n]\n[b]\n', want: [["key", 1, 4], ["header", 5, 1]] }],
  ["a multi-line basic string ending in quotes", { given: 'x = """\n[not]\nsaid ""hi""""\ny = 2\n', want: [["key", 1, 3], ["key", 4, 1]] }],
  ["an escaped quote run does not close it", { given: 'x = """\n\\"""\n"""\n[[t]]\n', want: [["key", 1, 3], ["array-header", 4, 1]] }],
  ["a multi-line literal string, backslashes as written", { given: "x = '''\n\\\n[no]\n'''\nz = 'a\\'\n", want: [["key", 1, 4], ["key", 5, 1]] }],
  ["an inline table over lines (TOML 1.1)", { given: "x = {\n  a = 1,\n}\n", want: [["key", 1, 3]] }],
];

describe("splitStatements", () => {
  it.each(cases)("%s", (_name, { given, want }) => {
    const { statements } = splitStatements(given);
    expect(statements.map((s) => [s.kind, s.line, s.lines.length])).toEqual(want);
  });

  it("keeps the comment and blank lines before each statement and after the last", () => {
    const { statements, after } = splitStatements("# top\n\n[a]\n# about x\nx = 1\n\n# end\n");
    expect(statements.map((s) => s.before)).toEqual([["# top", ""], ["# about x"]]);
    expect(after).toEqual(["", "# end"]);
  });
});
