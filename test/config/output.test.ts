// [output] target: which form `svcgen gen` writes (the CLI's --target wins over it). Exact diagnostics, as printed.
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { configOf, printed } from "./helpers.js";

const svc = `[external_services.users_service]\nurl = "http://users-api:8080"\n`;

describe("[output] target", () => {
  it.each([
    ["js+dts", `[output]\ntarget = "js+dts"\n${svc}`, { target: "js+dts", location: { file: "services.toml", line: 2, column: 1 } }],
    ["ts", `${svc}[output]\ntarget = "ts"\n`, { target: "ts", location: { file: "services.toml", line: 4, column: 1 } }],
    ["not written", svc, undefined],
    ["an empty table", `[output]\n${svc}`, undefined],
  ])("%s", (_name, toml, want) => {
    expect(configOf(toml).output).toEqual(want);
  });

  it.each([
    ["an unknown target", `[output]\ntarget = "esm"\n${svc}`, [
      'services.toml:2:10: error: "target" must be one of "ts", "js+dts", got "esm"',
    ]],
    ["a near miss", `[output]\ntarget = "js-dts"\n${svc}`, [
      'services.toml:2:10: error: "target" must be one of "ts", "js+dts", got "js-dts"; did you mean "js+dts"?',
    ]],
    ["an unknown key", `[output]\ntargets = "js+dts"\n${svc}`, [
      'services.toml:2:1: error: unknown key "targets" in [output]; did you mean "target"?',
    ]],
    ["not a table", `output = "js+dts"\n${svc}`, [
      'services.toml:1:10: error: "output" must be a table, got "js+dts"',
    ]],
  ])("%s is reported where it is written", (_name, toml, want) => {
    expect(printed(toml)).toEqual(want);
    expect(parseConfig(toml, "services.toml").config).toBeUndefined();
  });
});
