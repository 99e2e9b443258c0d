import { describe, expect, it } from "vitest";
import { locateKeys } from "../../src/config/locate.js";

const TOML = [
  '# comment with = and [brackets]', // 1
  "[external_services.users_service]", // 2
  'url = "http://users-api:8080" # trailing', // 3
  "retry.max_attempts = 3", // 4
  'mesh = { kind = "istio", traffic = { retries = 2 } }', // 5
  'endpoints = [ "http://a:1",', // 6
  '  "http://b:2" ] ', // 7
  'description = """', // 8
  'line with "quotes" and ] = {', // 9
  '"""', // 10
  "[ external_services . \"dotted.name\" . 'lit' ]", // 11
  "when = 1979-05-27 07:32:00Z", // 12
  "\"esc\\u0041ped\" = 'x'", // 13
  "[[array]]", // 14
  "a = 1", // 15
  "[[array]]", // 16
  "a = 2", // 17
  "[array.sub]", // 18
  "b = { c = [ { d = 1 }, { d = 2 } ] }", // 19
].join("\r\n");

// [path, key position, value position]
const cases: [string[], [number, number], [number, number]][] = [
  [["external_services"], [2, 2], [2, 2]],
  [["external_services", "users_service"], [2, 20], [2, 20]],
  [["external_services", "users_service", "url"], [3, 1], [3, 7]],
  [["external_services", "users_service", "retry"], [4, 1], [4, 1]],
  [["external_services", "users_service", "retry", "max_attempts"], [4, 7], [4, 22]],
  [["external_services", "users_service", "mesh"], [5, 1], [5, 8]],
  [["external_services", "users_service", "mesh", "kind"], [5, 10], [5, 17]],
  [["external_services", "users_service", "mesh", "traffic", "retries"], [5, 38], [5, 48]],
  [["external_services", "users_service", "endpoints"], [6, 1], [6, 13]],
  [["external_services", "users_service", "endpoints", "0"], [6, 15], [6, 15]],
  [["external_services", "users_service", "endpoints", "1"], [7, 3], [7, 3]],
  [["external_services", "users_service", "description"], [8, 1], [8, 15]],
  [["external_services", "dotted.name"], [11, 23], [11, 23]],
  [["external_services", "dotted.name", "lit"], [11, 39], [11, 39]],
  [["external_services", "dotted.name", "lit", "when"], [12, 1], [12, 8]],
  [["external_services", "dotted.name", "lit", "escAped"], [13, 1], [13, 18]],
  [["array", "0", "a"], [15, 1], [15, 5]],
  [["array", "1", "a"], [17, 1], [17, 5]],
  [["array", "1", "sub"], [18, 8], [18, 8]],
  [["array", "1", "sub", "b", "c", "1", "d"], [19, 26], [19, 30]],
];

describe("locateKeys", () => {
  const positions = locateKeys(TOML);
  it.each(cases)("%j", (path, [keyLine, keyColumn], [valueLine, valueColumn]) => {
    expect(positions.key(path)).toEqual({ line: keyLine, column: keyColumn });
    expect(positions.value(path)).toEqual({ line: valueLine, column: valueColumn });
  });

  it("does not invent keys from comments or string contents", () => {
    expect(positions.key(["brackets"])).toBeUndefined();
    expect(positions.key(["external_services", "users_service", "line with"])).toBeUndefined();
  });

  it("prefers an explicit table header over an earlier implicit definition", () => {
    const p = locateKeys("[a.b.c]\nx = 1\n[a.b]\ny = 2\n");
    expect(p.key(["a", "b"])).toEqual({ line: 3, column: 4 });
    expect(p.key(["a"])).toEqual({ line: 1, column: 2 });
  });

  it("reads multi-line inline tables (TOML 1.1) and literal multi-line strings", () => {
    const p = locateKeys("x = '''\n[not] = a\n'''\nm = {\n  kind = 'istio',\n}\n");
    expect(p.key(["not"])).toBeUndefined();
    expect(p.value(["m", "kind"])).toEqual({ line: 5, column: 10 });
  });
});
