import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/index.js";
import { ROOT_TABLE, type TableSpec } from "../../src/config/keys.js";
import { buildServicesSchema } from "../../src/config/schema.js";
import { fixture } from "./helpers.js";

const SCHEMA_PATH = fileURLToPath(new URL("../../schemas/services.schema.json", import.meta.url));
const generated = `${JSON.stringify(buildServicesSchema(), null, 2)}\n`;
if (process.env.SVCGEN_UPDATE_SCHEMA === "1") writeFileSync(SCHEMA_PATH, generated);
const committed = readFileSync(SCHEMA_PATH, "utf8");
const schema = JSON.parse(committed) as Record<string, unknown>;

const ajv = new Ajv({ strict: true, allErrors: true });
const validate = ajv.compile(schema);
const schemaAccepts = (toml: string): boolean => validate(parse(toml));
const parserAccepts = (toml: string): boolean => parseConfig(toml, "services.toml").config !== undefined;

type Node = Record<string, unknown>;

/** Every key path the schema names; `*` stands for a user-chosen name (a service or an operationId). */
function schemaPaths(node: Node, prefix: string, out: Set<string>): Set<string> {
  if (typeof node.$ref === "string") node = (schema.definitions as Node)[node.$ref.split("/").pop()!] as Node;
  for (const branch of (node.anyOf as Node[] | undefined) ?? []) schemaPaths(branch, prefix, out);
  for (const [key, child] of Object.entries((node.properties as Record<string, Node> | undefined) ?? {})) {
    out.add(prefix + key);
    schemaPaths(child, `${prefix}${key}.`, out);
  }
  if (typeof node.additionalProperties === "object") schemaPaths(node.additionalProperties as Node, `${prefix}*.`, out);
  return out;
}

/** Every key path the parser's key table accepts, in the same notation. */
function tablePaths(spec: TableSpec, prefix: string, out: Set<string>): Set<string> {
  for (const [key, { value }] of Object.entries(spec.keys)) {
    out.add(prefix + key);
    if (value.kind === "table") tablePaths(value, `${prefix}${key}.`, out);
    if (value.kind === "map") tablePaths(value.entry, `${prefix}${key}.*.`, out);
  }
  return out;
}

describe("schemas/services.schema.json", () => {
  it("is the schema generated from the key table (SVCGEN_UPDATE_SCHEMA=1 rewrites it)", () => {
    expect(committed).toBe(generated);
  });

  it("names exactly the keys the parser accepts", () => {
    const fromSchema = [...schemaPaths(schema, "", new Set())].sort();
    const fromParser = [...tablePaths(ROOT_TABLE, "", new Set())].sort();
    expect(fromSchema).toEqual(fromParser);
    expect(fromParser).toContain("external_services.*.retry.retry_on");
    expect(fromParser).toContain("external_services.*.operations.*.idempotent");
    expect(fromParser).toContain("defaults.circuit_breaker.failure_rate");
  });

  it("documents built-in defaults in [defaults] and service tables", () => {
    const retry = (schema.definitions as Node).service as Node;
    const props = (retry.properties as Record<string, Node>).retry!.properties as Record<string, Node>;
    expect(props.max_attempts!.default).toBe(3);
    expect(props.retry_on!.default).toEqual(["connect", "timeout", 429, 502, 503, 504]);
    const defaults = (schema.properties as Record<string, Node>).defaults!.properties as Record<string, Node>;
    expect(defaults.timeout_ms!.default).toBe(10000);
  });

  it.each(["seed.toml", "table.toml", "defaults.toml"])("accepts fixture %s, as the parser does", (name) => {
    const text = fixture(name);
    expect(schemaAccepts(text), JSON.stringify(validate.errors)).toBe(true);
    expect(parserAccepts(text)).toBe(true);
  });

  const svc = (body: string) => `[external_services.a]\nurl = "http://a:8080"\n${body}\n`;
  // Documents both must reject: the schema can check everything that does not depend on other tables.
  it.each([
    ["unknown service key", svc("retyr = 3")],
    ["unknown retry key", svc("retry.max_attempt = 3")],
    ["string milliseconds", svc('timeout_ms = "10s"')],
    ["zero milliseconds", svc("timeout_ms = 0")],
    ["bad enum", svc('load_balancer = "random"')],
    ["status code out of range", svc("retry.retry_on = [600]")],
    ["ratio above 1", svc("retry.budget_ratio = 1.5")],
    ["failure_rate of 0", svc("circuit_breaker.failure_rate = 0")],
    ["endpoint with a path", svc('discovery = "static"\nendpoints = ["http://b/x"]')],
    ["empty endpoints", svc('discovery = "static"\nendpoints = []')],
    ["namespace not a DNS label", svc('namespace = "Prod"')],
    ["absolute openapi path", svc('openapi = "/x.yaml"')],
    ["dns server without port", svc('dns_servers = ["10.0.0.1"]')],
    ["health path without slash", svc('health_path = "health"')],
    ["table form without url", "[external_services.a]\ntimeout_ms = 5\n"],
    ["seed form without scheme", '[external_services]\na = "users-api:8080"\n'],
    ["URL with credentials", '[external_services]\na = "http://u:p@a"\n'],
    ["URL with query", '[external_services]\na = "http://a/?q"\n'],
    ["service as a number", "[external_services]\na = 5\n"],
    ["url in [defaults]", '[defaults]\nurl = "http://a"\n'],
    ["unknown [resilience] key", "[resilience]\nretry_max = 3\n"],
    ["operation key", svc("operations.get.idempotnt = true")],
    ["empty service name", '[external_services]\n"" = "http://a"\n'],
    ["mesh key typo", svc('[external_services.a.mesh]\nkind = "istio"\nretry_ownr = "mesh"')],
    ["nested mesh key typo", svc('[external_services.a.mesh.retries]\natempts = 2')],
    ["mesh route key typo", svc('[[external_services.a.mesh.routes]]\nsubst = "v1"')],
    ["mesh header match typo", svc('mesh.routes = [{ headers = { v = { exakt = "2" } }, subset = "v2" }]')],
    ["mesh outlier_detection = true", svc("mesh.outlier_detection = true")],
    ["mesh weight above 100", svc("mesh.routes = [{ weights = { v1 = 101 } }]")],
  ])("rejects %s, as the parser does", (_name, toml) => {
    expect(parserAccepts(toml)).toBe(false);
    expect(schemaAccepts(toml)).toBe(false);
  });

  it.each([
    ["acton-service sections", '[database]\nurl = "postgres://x"\n[service]\nname = "a"\nport = 8080\n'],
    ["mesh settings", svc('mesh = { kind = "istio", outlier_detection = false, routes = [{ headers = { v = "2" }, subset = "v2" }] }')],
    ["single proto string", svc('proto = "a.proto"')],
    ["IPv6 origin", svc('discovery = "static"\nendpoints = ["http://[::1]:8080/"]')],
  ])("accepts %s, as the parser does", (_name, toml) => {
    expect(parserAccepts(toml)).toBe(true);
    expect(schemaAccepts(toml), JSON.stringify(validate.errors)).toBe(true);
  });
});
