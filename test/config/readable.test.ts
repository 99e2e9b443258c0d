// parseConfig returns what it could read even when there are errors (`readable`), so generate() can load specs and
// check overrides in the same run; `config` stays absent on errors.
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";

const keysOf = (toml: string) => {
  const result = parseConfig(toml, "services.toml");
  return {
    config: result.config?.services.map((s) => s.key),
    readable: result.readable?.services.map((s) => s.key),
    withFallbacks: [...result.withFallbacks].sort(),
  };
};

const rows: Array<[string, { given: string; want: ReturnType<typeof keysOf> }]> = [
  ["no error: readable is the config", { given: '[external_services.a]\nurl = "http://a:1"\n', want: { config: ["a"], readable: ["a"], withFallbacks: [] } }],
  [
    "an unknown key keeps the service, with nothing replaced",
    { given: '[external_services.a]\nurl = "http://a:1"\ntimeout_msx = 5\n', want: { config: undefined, readable: ["a"], withFallbacks: [] } },
  ],
  [
    "a rejected value keeps the service, marked as using a fallback",
    {
      given: '[external_services.a]\nurl = "http://a:1"\ntimeout_ms = 0\n[external_services.b]\nurl = "http://b:1"\n',
      want: { config: undefined, readable: ["a", "b"], withFallbacks: ["a"] },
    },
  ],
  [
    "a rejected value in [defaults] marks every service",
    {
      given: '[defaults]\ntimeout_ms = "10s"\n[external_services.a]\nurl = "http://a:1"\n[external_services.b]\nurl = "http://b:1"\n',
      want: { config: undefined, readable: ["a", "b"], withFallbacks: ["a", "b"] },
    },
  ],
  [
    "a service without a usable url is dropped",
    {
      given: '[external_services.a]\ntimeout_ms = 5\n[external_services.b]\nurl = "http://b c:1"\n[external_services.c]\nurl = "http://c:1"\n',
      want: { config: undefined, readable: ["c"], withFallbacks: [] },
    },
  ],
  [
    "an empty key and the later of two clashing keys are dropped",
    {
      given: '[external_services]\nab = "http://a:1"\nAB = "http://b:1"\n"" = "http://c:1"\n',
      want: { config: undefined, readable: ["ab"], withFallbacks: [] },
    },
  ],
  ["a TOML syntax error reads nothing", { given: "[external_services\n", want: { config: undefined, readable: undefined, withFallbacks: [] } }],
];

describe("parseConfig's readable config", () => {
  it.each(rows)("%s", (_name, { given, want }) => {
    expect(keysOf(given)).toEqual(want);
  });
});
