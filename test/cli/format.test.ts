import { describe, expect, it } from "vitest";
import { displayDir, formatDiagnostic } from "../../src/cli/format.js";
import type { Diagnostic } from "../../src/model/types.js";

const base = { code: "config/unknown-key", message: "unknown key 'retires'" } as const;

describe("formatDiagnostic", () => {
  const cases: Array<[string, { given: Diagnostic; want: string }]> = [
    [
      "line and column",
      {
        given: { ...base, severity: "error", location: { file: "services.toml", line: 3, column: 7 } },
        want: "services.toml:3:7: error: unknown key 'retires'",
      },
    ],
    [
      "line only",
      {
        given: { ...base, severity: "warning", location: { file: "services.toml", line: 3 } },
        want: "services.toml:3: warning: unknown key 'retires'",
      },
    ],
    [
      "pointer without line",
      {
        given: { ...base, severity: "error", location: { file: "specs/users.yaml", pointer: "#/paths/~1users/get" } },
        want: "specs/users.yaml#/paths/~1users/get: error: unknown key 'retires'",
      },
    ],
    [
      "pointer without leading #",
      {
        given: { ...base, severity: "error", location: { file: "a.json", pointer: "/info" } },
        want: "a.json#/info: error: unknown key 'retires'",
      },
    ],
    [
      "line wins over pointer",
      {
        given: { ...base, severity: "error", location: { file: "a.yaml", line: 9, column: 1, pointer: "#/info" } },
        want: "a.yaml:9:1: error: unknown key 'retires'",
      },
    ],
    [
      "file only",
      { given: { ...base, severity: "error", location: { file: "services.toml" } }, want: "services.toml: error: unknown key 'retires'" },
    ],
  ];
  it.each(cases)("%s", (_name, { given, want }) => {
    expect(formatDiagnostic(given)).toBe(want);
  });
});

describe("displayDir", () => {
  it("names folders relative to cwd with a trailing slash", () => {
    expect(displayDir("/repo", "/repo/generated")).toBe("generated/");
    expect(displayDir("/repo", "/repo")).toBe("./");
    expect(displayDir("/repo/app", "/repo/out")).toBe("../out/");
  });
});
