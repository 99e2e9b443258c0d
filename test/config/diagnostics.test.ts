import { describe, expect, it } from "vitest";
import { compareDiagnostics, DiagnosticSink, formatDiagnostic } from "../../src/config/diagnostics.js";
import type { Diagnostic } from "../../src/model/types.js";

const d = (location: Diagnostic["location"], severity: Diagnostic["severity"] = "error", message = "m"): Diagnostic => ({
  severity,
  code: "x/y",
  message,
  location,
});

describe("formatDiagnostic", () => {
  it.each([
    [d({ file: "services.toml", line: 3, column: 7 }), "services.toml:3:7: error: m"],
    [d({ file: "services.toml", line: 3, column: 7 }, "warning"), "services.toml:3:7: warning: m"],
    [d({ file: "services.toml", line: 3 }), "services.toml:3: error: m"],
    [d({ file: "specs/users.yaml", pointer: "#/paths/~1users~1{id}/get" }), "specs/users.yaml#/paths/~1users~1{id}/get: error: m"],
    [d({ file: "specs/users.yaml", pointer: "/info" }), "specs/users.yaml#/info: error: m"],
    [d({ file: "specs/users.yaml", line: 9, column: 1, pointer: "#/info" }), "specs/users.yaml:9:1: error: m"],
    [d({ file: "services.toml" }), "services.toml: error: m"],
  ])("%j", (diagnostic, want) => {
    expect(formatDiagnostic(diagnostic)).toBe(want);
  });
});

describe("DiagnosticSink", () => {
  it("sorts by file, line, column, errors first, and drops exact duplicates", () => {
    const sink = new DiagnosticSink();
    sink.warning("w", "b", { file: "a.toml", line: 2, column: 1 });
    sink.error("e", "c", { file: "a.toml", line: 10, column: 1 });
    sink.error("e", "a", { file: "a.toml", line: 2, column: 1 });
    sink.error("e", "a", { file: "a.toml", line: 2, column: 1 });
    sink.error("e", "z", { file: "a.toml", line: 2, column: 9 });
    sink.error("e", "p", { file: "a.toml", pointer: "#/x" });
    expect(sink.sorted().map(formatDiagnostic)).toEqual([
      "a.toml:2:1: error: a",
      "a.toml:2:1: warning: b",
      "a.toml:2:9: error: z",
      "a.toml:10:1: error: c",
      "a.toml#/x: error: p",
    ]);
    expect(sink.hasErrors).toBe(true);
  });

  it("compares equal diagnostics as 0", () => {
    const a = d({ file: "f", line: 1, column: 1 });
    expect(compareDiagnostics(a, { ...a })).toBe(0);
  });
});
