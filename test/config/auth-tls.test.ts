// `[external_services.<key>.auth.<scheme>]` and `[external_services.<key>.tls]` (issue 13): the shapes that parse,
// every broken combination at its position, and the JSON Schema agreeing with the parser.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { configOf, printed } from "./helpers.js";

const svc = (body: string, url = "https://users-api:8443") => `[external_services.users]\nurl = "${url}"\n${body}\n`;

// [name, TOML, expected lines exactly as printed]
const cases: [string, string, string[]][] = [
  ["env and file", svc("[external_services.users.auth.bearerAuth]\nenv = \"TOKEN\"\nfile = \"/t\""), [
    'services.toml:5:1: error: "env" and "file" are both set in [external_services.users.auth.bearerAuth]; set exactly one of "env", "file" or "username"',
  ]],
  ["env and username", svc('auth.basic = { username = "u", password_env = "P", env = "T" }'), [
    'services.toml:3:52: error: "username" and "env" are both set in [external_services.users.auth.basic]; set exactly one of "env", "file" or "username"',
  ]],
  ["no source", svc("[external_services.users.auth.bearerAuth]"), [
    'services.toml:3:31: error: [external_services.users.auth.bearerAuth] needs one of "env", "file" or "username"',
  ]],
  ["username without a password", svc('auth.basic = { username = "u" }'), [
    'services.toml:3:16: error: "username" needs "password_env" or "password_file" in [external_services.users.auth.basic]',
  ]],
  ["two passwords", svc('[external_services.users.auth.basic]\nusername = "u"\npassword_env = "P"\npassword_file = "/p"'), [
    'services.toml:6:1: error: "password_env" and "password_file" are both set in [external_services.users.auth.basic]; set exactly one of "password_env" or "password_file"',
  ]],
  ["password without username", svc('auth.basic = { env = "T", password_env = "P" }'), [
    'services.toml:3:27: error: "password_env" needs "username" in [external_services.users.auth.basic]',
  ]],
  ["misspelt key: did you mean, and no second message", svc('auth.bearerAuth = { envv = "T" }'), [
    'services.toml:3:21: error: unknown key "envv" in [external_services.users.auth.bearerAuth]; did you mean "env"?',
  ]],
  ["misspelt auth table", svc('auht.bearerAuth = { env = "T" }'), [
    'services.toml:3:1: error: unknown key "auht" in [external_services.users]; did you mean "auth"?',
  ]],
  ["env not a variable name", svc('auth.bearerAuth = { env = "1TOKEN" }'), [
    'services.toml:3:27: error: "env" must be an environment variable name (letters, digits and "_", not starting with a digit), got "1TOKEN"',
  ]],
  ["empty file", svc('auth.bearerAuth = { file = " " }'), [
    'services.toml:3:28: error: "file" must not be empty, got " "',
  ]],
  ["scheme not a table", svc('auth.bearerAuth = "TOKEN"'), [
    'services.toml:3:19: error: "bearerAuth" must be a table, got "TOKEN"',
  ]],
  ["cert without key", svc('[external_services.users.tls]\nca_file = "/ca"\ncert_file = "/c"'), [
    'services.toml:5:1: error: "cert_file" needs "key_file" in [external_services.users.tls]',
  ]],
  ["key without cert", svc('tls = { key_file = "/k" }'), [
    'services.toml:3:9: error: "key_file" needs "cert_file" in [external_services.users.tls]',
  ]],
  ["tls key typo", svc('tls.ca_fil = "/ca"'), [
    'services.toml:3:5: error: unknown key "ca_fil" in [external_services.users.tls]; did you mean "ca_file"?',
  ]],
  ["server_name not a DNS name", svc('tls.server_name = "Users_API"'), [
    'services.toml:3:19: error: "server_name" must be a DNS name (DNS labels joined by ".", at most 253 characters), got "Users_API"',
  ]],
  ["tls in [defaults]", '[defaults.tls]\nca_file = "/ca"\n', [
    'services.toml:1:11: error: "tls" is set per service, in [external_services.<name>], not in [defaults]',
  ]],
  ["auth in [defaults]", '[defaults]\nauth.bearer = { env = "T" }\n', [
    'services.toml:2:1: error: "auth" is set per service, in [external_services.<name>], not in [defaults]',
  ]],
  ["tls with an http url warns", svc('tls.ca_file = "/ca"', "http://users-api:8080"), [
    'services.toml:3:1: warning: "tls" is ignored unless the url (or an endpoint) is https://',
  ]],
];

describe("auth and tls keys", () => {
  it("reads every credential source and the tls files, paths as written", () => {
    const config = configOf(
      svc(
        [
          'auth.bearerAuth = { file = "/var/run/secrets/tokens/users" }',
          'auth.apiKey = { env = "USERS_API_KEY" }',
          "[external_services.users.auth.basic]",
          'username = "svc"',
          'password_file = "secrets/password"',
          "[external_services.users.auth.basicEnv]",
          'username = "svc"',
          'password_env = "USERS_PASSWORD"',
          "[external_services.users.tls]",
          'ca_file = "/etc/tls/ca.crt"',
          'cert_file = "tls/tls.crt"',
          'key_file = "tls/tls.key"',
          'server_name = "users.internal"',
        ].join("\n"),
      ),
    );
    const service = config.services[0]!;
    const at = (line: number, column: number) => ({ file: "services.toml", line, column });
    expect(service.auth).toEqual({
      apiKey: { env: "USERS_API_KEY", location: at(4, 6) },
      basic: { username: "svc", passwordFile: "secrets/password", location: at(5, 31) },
      basicEnv: { username: "svc", passwordEnv: "USERS_PASSWORD", location: at(8, 31) },
      bearerAuth: { file: "/var/run/secrets/tokens/users", location: at(3, 6) },
    });
    // Sorted by scheme name.
    expect(Object.keys(service.auth!)).toEqual(["apiKey", "basic", "basicEnv", "bearerAuth"]);
    expect(service.tls).toEqual({
      caFile: "/etc/tls/ca.crt",
      certFile: "tls/tls.crt",
      keyFile: "tls/tls.key",
      serverName: "users.internal",
      location: at(11, 26),
    });
  });

  it("leaves auth and tls out when not written; a CA alone is a valid tls table", () => {
    const plain = configOf(svc("")).services[0]!;
    expect(plain.auth).toBeUndefined();
    expect(plain.tls).toBeUndefined();
    const ca = configOf(svc('tls.ca_file = "/ca.pem"')).services[0]!;
    expect(ca.tls).toEqual({ caFile: "/ca.pem", location: { file: "services.toml", line: 3, column: 1 } });
  });

  it("the acton-service form takes auth in its table form only; bearer and basic are just names", () => {
    const config = configOf(svc('auth.bearer = { env = "TOKEN" }\nauth.basic = { username = "u", password_env = "PW" }', "http://users-api:8080"));
    expect(Object.keys(config.services[0]!.auth!)).toEqual(["basic", "bearer"]);
  });

  it.each(cases)("%s", (_name, toml, want) => {
    expect(printed(toml)).toEqual(want);
  });

  it("leaves a scheme whose table is wrong out of the readable config, keeping the others", () => {
    const result = parseConfig(svc('auth.a = { env = "A" }\nauth.b = { env = "B", file = "/b" }\nauth.c = { env = "1C" }'), "services.toml");
    expect(result.config).toBeUndefined();
    expect(Object.keys(result.readable!.services[0]!.auth!)).toEqual(["a"]);
  });
});

describe("the JSON Schema agrees on auth and tls", () => {
  const schema = JSON.parse(readFileSync(fileURLToPath(new URL("../../schemas/services.schema.json", import.meta.url)), "utf8"));
  const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
  const schemaAccepts = (toml: string): boolean => validate(parse(toml));
  const parserAccepts = (toml: string): boolean => parseConfig(toml, "services.toml").config !== undefined;

  it.each([
    ["env", svc('auth.bearerAuth = { env = "T" }')],
    ["file", svc('auth.bearerAuth = { file = "/t" }')],
    ["basic with password_env", svc('auth.basic = { username = "u", password_env = "P" }')],
    ["basic with password_file", svc('auth.basic = { username = "u", password_file = "/p" }')],
    ["all tls keys", svc('tls = { ca_file = "/ca", cert_file = "/c", key_file = "/k", server_name = "a.b" }')],
    ["ca only", svc('tls = { ca_file = "/ca" }')],
    ["server_name only", svc('tls = { server_name = "users" }')],
  ])("accepts %s, as the parser does", (_name, toml) => {
    expect(parserAccepts(toml)).toBe(true);
    expect(schemaAccepts(toml), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(cases.filter(([, , want]) => want.some((line) => line.includes(": error: "))))("rejects %s, as the parser does", (_name, toml) => {
    expect(parserAccepts(toml)).toBe(false);
    expect(schemaAccepts(toml)).toBe(false);
  });
});
