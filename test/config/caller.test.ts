// `[service]`: namespace, labels and network_policy through the real parser, with the messages and positions users
// see; the JSON Schema's label patterns agree with the parser's rule.
import { describe, expect, it } from "vitest";
import { PATTERNS } from "../../src/config/formats.js";
import { isLabelKey, isLabelValue } from "../../src/mesh/names.js";
import { configOf, printed } from "./helpers.js";

const KEY_RULE = "a Kubernetes label key ([prefix/]name, the name at most 63 characters of letters, digits, '-', '_' and '.')";
const VALUE_RULE = "a Kubernetes label value (at most 63 characters of letters, digits, '-', '_' and '.', alphanumeric at both ends)";

describe("[service] namespace, labels, network_policy", () => {
  it("reads them into the caller", () => {
    const config = configOf(
      '[service]\nname = "order-api"\nnamespace = "shop"\nnetwork_policy = true\n[service.labels]\n"app.kubernetes.io/name" = "order-api"\ntier = ""\n',
    );
    expect(config.caller).toEqual({
      name: "order-api",
      location: { file: "services.toml", line: 2, column: 1 },
      namespace: "shop",
      labels: { "app.kubernetes.io/name": "order-api", tier: "" },
      networkPolicy: { location: { file: "services.toml", line: 4, column: 1 } },
    });
    // network_policy = false is the same as not writing it.
    expect(configOf('[service]\nname = "order-api"\nnetwork_policy = false\n').caller).toEqual({
      name: "order-api",
      location: { file: "services.toml", line: 2, column: 1 },
    });
  });

  it.each<[string, string, string[]]>([
    ["a bad label key and value", `[service]\nname = "order-api"\nlabels = { "bad key" = "x", app = "-x" }\n`, [
      `services.toml:3:12: error: key "bad key" in [service.labels] must be ${KEY_RULE}`,
      `services.toml:3:35: error: "app" must be ${VALUE_RULE}, got "-x"`,
    ]],
    ["a key with two slashes and a name over 63 characters", `[service]\nname = "order-api"\n[service.labels]\n"x/y/z" = "a"\n"${"a".repeat(64)}" = "b"\n`, [
      `services.toml:4:1: error: key "x/y/z" in [service.labels] must be ${KEY_RULE}`,
      `services.toml:5:1: error: key "${"a".repeat(64)}" in [service.labels] must be ${KEY_RULE}`,
    ]],
    ["empty labels (an empty selector selects every pod)", `[service]\nname = "order-api"\nlabels = {}\n`, [
      'services.toml:3:10: error: "labels" must not be empty',
    ]],
    ["a namespace that is no DNS label, a non-boolean switch", `[service]\nname = "order-api"\nnamespace = "Shop"\nnetwork_policy = "yes"\n`, [
      'services.toml:3:13: error: "namespace" must be a DNS label (lower-case letters, digits and "-", at most 63 characters), got "Shop"',
      'services.toml:4:18: error: "network_policy" must be true or false, got "yes"',
    ]],
    ["network_policy without a name", `[service]\nnetwork_policy = true\n`, [
      `services.toml:2:1: error: "network_policy" needs the caller's "name" in [service] (the policy's name and default pod labels)`,
    ]],
    ["typos ([service] is shared with acton-service: warnings)", `[service]\nname = "order-api"\nnetwork_polcy = true\nlabel = { app = "x" }\n`, [
      'services.toml:3:1: warning: unknown key "network_polcy" in [service]; did you mean "network_policy"?',
      'services.toml:4:1: warning: unknown key "label" in [service]; did you mean "labels"?',
    ]],
  ])("reports %s at file:line:col", (_name, text, want) => {
    expect(printed(text)).toEqual(want);
  });

  it("gives the JSON Schema label patterns the parser's verdict", () => {
    const key = new RegExp(PATTERNS.labelKey);
    const value = new RegExp(PATTERNS.labelValue);
    const keys = ["app", "app.kubernetes.io/name", "example.com/a_b-c.d", "A", "-app", "app-", "x/y/z", "Bad.Prefix/app", "a b", "", "/app", "a".repeat(63), "a".repeat(64)];
    for (const k of keys) expect(key.test(k), k).toBe(isLabelKey(k));
    const values = ["", "order-api", "v1.2_3", "-x", "x-", "a b", "a".repeat(63), "a".repeat(64)];
    for (const v of values) expect(value.test(v) && v.length <= 63, v).toBe(isLabelValue(v));
  });
});
