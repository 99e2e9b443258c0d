// What the generated definitions bake in beyond the basics: body `encoding` maps (hostile property names stay string
// literals), the mesh port name, connection age, cluster domain and health_check. Only set values are emitted, and
// each baked value changes what the generated client does against a real server.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GenerateResult } from "../../../src/generate.js";
import type { ClientDescription, ClientOptions } from "../../../src/runtime/index.js";
import { definitionsOf } from "../../support/definitions.js";
import { generateInto } from "../../support/generated.js";
import { TMP } from "../../support/repo.js";
import { json, startServer } from "../../support/servers/http.js";
import type { RunningServer } from "../../support/servers/http.js";
import { SteppedClock, until } from "../../support/stepped-clock.js";
import { typeCheck } from "../../support/tsc.js";

const CASE = path.join(TMP, "emit-definition-case");
const OUT = path.join(CASE, "out");

/** Property names that would break generated code if they were ever printed as code. */
const HOSTILE = ["__proto__", "constructor", 'a"b\n*/ process.exit(1) //', "${process.exit(2)}", "</script>"];

const spec = {
  openapi: "3.0.3",
  info: { title: "enc", version: "1" },
  paths: {
    "/form": {
      post: {
        operationId: "submitForm",
        requestBody: {
          required: true,
          content: {
            "application/x-www-form-urlencoded": {
              schema: { type: "object", additionalProperties: true },
              encoding: {
                [HOSTILE[0]!]: { style: "deepObject", explode: true },
                [HOSTILE[1]!]: { style: "pipeDelimited" },
                [HOSTILE[2]!]: { style: "form", explode: false },
                [HOSTILE[3]!]: { contentType: "application/json" },
                [HOSTILE[4]!]: { style: "bogus", headers: { "X-Ignored": { schema: { type: "string" } } } },
              },
            },
          },
        },
        responses: { "204": { description: "ok" } },
      },
    },
    "/plain": {
      post: {
        operationId: "plainForm",
        requestBody: { content: { "application/x-www-form-urlencoded": { schema: { type: "object", additionalProperties: true } } } },
        responses: { "204": { description: "ok" } },
      },
    },
  },
};

let server: RunningServer;
let result: GenerateResult;
let index: string;
let plain: string;

beforeAll(async () => {
  server = await startServer((r) => (r.method === "POST" ? { status: 204 } : json(200, { ok: true })));
  rmSync(CASE, { recursive: true, force: true });
  mkdirSync(CASE, { recursive: true });
  writeFileSync(path.join(CASE, "enc.json"), JSON.stringify(spec, null, 2));
  writeFileSync(
    path.join(CASE, "services.toml"),
    [
      "[external_services.users_service]",
      'url = "http://users-api:8080"',
      'openapi = "enc.json"',
      'namespace = "prod"',
      'cluster_domain = "corp.example"',
      "max_connection_age_ms = 0",
      'load_balancer = "health_aware"',
      'health_path = "/probe-live"',
      'health_check = { path = "health", interval_ms = 20 }',
      'mesh = { http_port_name = "web" }',
      "",
      "[external_services.plain_service]",
      'url = "http://plain-api:8080"',
      'openapi = "enc.json"',
      "",
    ].join("\n"),
  );
  result = await generateInto(CASE, OUT);
  index = readFileSync(path.join(OUT, "clients", "users_service", "index.ts"), "utf8");
  plain = readFileSync(path.join(OUT, "clients", "plain_service", "index.ts"), "utf8");
});

afterAll(async () => {
  await server.close();
});

/** The code of a TypeScript file with every comment removed. */
function codeOnly(text: string): string {
  return ts.createPrinter({ removeComments: true }).printFile(ts.createSourceFile("x.ts", text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS));
}

describe("the emitted definitions", () => {
  it("generate, with a warning for the unknown style only, and type-check strictly", () => {
    expect(result.diagnostics.map((d) => `${d.severity} ${d.code} ${d.location.pointer ?? ""}`)).toEqual([
      "warning openapi/invalid-encoding #/paths/~1form/post/requestBody/content/application~1x-www-form-urlencoded/encoding/<~1script>/style",
      "warning openapi/invalid-encoding #/paths/~1form/post/requestBody/content/application~1x-www-form-urlencoded/encoding/<~1script>/style",
    ]);
    const { code, output } = typeCheck(OUT);
    expect(output).toBe("");
    expect(code).toBe(0);
  });

  it("carry the service's port name, connection age, cluster domain and probes", () => {
    expect(index).toContain(
      [
        "  discovery: {",
        '    kind: "dns",',
        "    endpoints: [],",
        "    dnsServers: [],",
        '    portName: "web",',
        "    maxConnectionAgeMs: 0,",
        '    clusterDomain: "corp.example",',
        "  },",
      ].join("\n"),
    );
    expect(index).toContain(
      [
        '    loadBalancer: "health_aware",',
        "    healthCheck: {",
        '      path: "health",',
        "      intervalMs: 20,",
        "      jitter: 0.2,",
        "      timeoutMs: 20,",
        "      unhealthyThreshold: 2,",
        "      healthyThreshold: 3,",
        "    },",
        "  },",
      ].join("\n"),
    );
  });

  it("leave all of it out when services.toml and the spec set none of it", () => {
    expect(plain).toContain(["  discovery: {", '    kind: "dns",', "    endpoints: [],", "    dnsServers: [],", "  },"].join("\n"));
    expect(plain).not.toMatch(/portName|maxConnectionAgeMs|clusterDomain|healthCheck/);
    expect(definitionsOf(plain).find((d) => d.id === "plainForm")).toEqual({
      id: "plainForm",
      method: "POST",
      path: "/plain",
      idempotent: false,
      params: [],
      body: { kind: "form", contentType: "application/x-www-form-urlencoded" },
      response: "empty",
    });
  });

  it("print encoding names only as string literals, never as code", () => {
    const code = codeOnly(index);
    const literals = /"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`/g;
    for (const bad of ["process.exit", "</script>", "${"]) expect(code.replace(literals, '""'), bad).not.toContain(bad);
    // Sorted by name; the unknown style was dropped with a warning and nothing else was left, so "</script>" has no entry.
    expect(definitionsOf(index).find((d) => d.id === "submitForm")?.body?.encoding).toEqual([
      { name: "${process.exit(2)}", contentType: "application/json" },
      { name: "__proto__", style: "deepObject", explode: true },
      { name: 'a"b\n*/ process.exit(1) //', style: "form", explode: false },
      { name: "constructor", style: "pipeDelimited" },
    ]);
  });
});

describe("the generated client", () => {
  interface Client {
    submitForm(params: { body: Record<string, unknown> }): Promise<undefined>;
    health(): Promise<unknown>;
    describe(): ClientDescription;
    close(): Promise<void>;
  }
  async function client(options: ClientOptions): Promise<Client> {
    const barrel = (await import(pathToFileURL(path.join(OUT, "clients", "index.ts")).href)) as { createUsersServiceClient(o: ClientOptions): Client };
    return barrel.createUsersServiceClient(options);
  }
  const port = (): string => new URL(server.url).port;

  it("finds its port through the baked port name (USERS_API_SERVICE_PORT_WEB), and serialises by the encoding map", async () => {
    // The plain port variable points nowhere: only the named one, `web`, reaches the server.
    const c = await client({ env: { USERS_API_SERVICE_HOST: "127.0.0.1", USERS_API_SERVICE_PORT: "1", USERS_API_SERVICE_PORT_WEB: port() } });
    try {
      expect(c.describe().reason).toContain(`USERS_API_SERVICE_PORT_WEB=${port()}`);
      const body = JSON.parse(
        `{"__proto__": {"k": ["x"]}, "constructor": [1, 2], ${JSON.stringify(HOSTILE[2])}: {"r": 1}, ${JSON.stringify(HOSTILE[3])}: {"j": true}, "other": ["p", "q"]}`,
      ) as Record<string, unknown>;
      const before = server.seen.length;
      await c.submitForm({ body });
      const seen = server.seen.slice(before).find((r) => r.path === "/form")!;
      expect(decodeURIComponent(seen.body.toString("utf8").replaceAll("+", " "))).toBe(
        `__proto__[k][]=x&constructor=1|2&${HOSTILE[2]}=r,1&${HOSTILE[3]}={"j":true}&other=p&other=q`,
      );
    } finally {
      await c.close();
    }
  });

  it("probes the baked health_check path, interval × (1 ± jitter) apart (health_aware)", async () => {
    // The generated definition on a stepped clock: each probe timer fires only once the previous probe was answered
    // by the real server and the next one scheduled, so the gaps are the client's own schedule, exactly.
    const barrel = (await import(pathToFileURL(path.join(OUT, "clients", "users_service", "index.ts")).href)) as {
      usersServiceDefinition: import("../../../src/runtime/index.js").ServiceDefinition;
    };
    const { createServiceClientWith } = (await import(pathToFileURL(path.join(OUT, "runtime", "index.ts")).href)) as typeof import("../../../src/runtime/index.js");
    const clock = new SteppedClock();
    const c = createServiceClientWith(barrel.usersServiceDefinition, { env: { USERS_API_SERVICE_HOST: "127.0.0.1", USERS_API_SERVICE_PORT_WEB: port() } }, { clock });
    try {
      const probes = (): number => server.seen.filter((r) => r.method === "GET" && r.path === "/probe-live").length;
      const start = probes();
      const at: number[] = [];
      for (let i = 1; i <= 3; i++) {
        // Nothing else on this client sets timers: the earliest one is the next probe.
        expect(clock.pending.length).toBe(1);
        at.push(clock.fireNext());
        const set = clock.timersSet;
        // The probe's own timeout was set as it went out; the next probe is scheduled once this one is answered.
        await until(() => clock.timersSet > set);
        expect(probes() - start).toBe(i);
      }
      // health_check: interval_ms = 20, jitter 0.2 (the default would be 5 s apart): the first lands within one
      // interval, the next ones 16 to 24 ms after the one before.
      expect(at[0]!).toBeLessThan(20);
      for (let i = 1; i < at.length; i++) {
        expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(16);
        expect(at[i]! - at[i - 1]!).toBeLessThanOrEqual(24);
      }
      expect(server.seen.some((r) => r.path === "/ready")).toBe(false);
    } finally {
      await c.close();
    }
  });

  it("qualifies headless names with the baked cluster domain", async () => {
    const barrel = (await import(pathToFileURL(path.join(OUT, "clients", "users_service", "index.ts")).href)) as {
      usersServiceDefinition: import("../../../src/runtime/index.js").ServiceDefinition;
    };
    const { createServiceClient } = (await import(pathToFileURL(path.join(OUT, "runtime", "index.ts")).href)) as typeof import("../../../src/runtime/index.js");
    const def = barrel.usersServiceDefinition;
    const c = createServiceClient({ ...def, discovery: { ...def.discovery, kind: "headless", dnsServers: ["127.0.0.1:1"] } }, { env: {} });
    try {
      expect(c.describe().discovery.dnsName).toBe("users-api-headless.prod.svc.corp.example");
      expect(c.describe().discovery.srvName).toBe("_web._tcp.users-api-headless.prod.svc.corp.example");
    } finally {
      await c.close();
    }
  });
});
