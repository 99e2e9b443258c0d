// Typed mocks (clients/<key>/mock.ts) end to end: a project is generated, a usage module with the generated client on
// a real undici MockAgent is type-checked by tsc under the strictest settings and executed, and planted wrong reply
// bodies must each fail tsc at their own line. What the client sent is read from the agent's call history.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { GeneratedFile } from "../../../src/emit/files.js";
import { toJsDts } from "../../../src/emit/js-dts/index.js";
import { generateInto } from "../../support/generated.js";
import { TMP } from "../../support/repo.js";
import { typeCheckPlanted } from "../../support/tsc.js";

const CASE = path.join(TMP, "mock-case");
const OUT = path.join(TMP, "mock-out");

const TOML = `[service]
name = "mock-test"

[external_services.items]
url = "http://items-api:8080/api"
namespace = "shop"
openapi = "items.yaml"

[external_services.pods]
url = "http://pods-api:8080"
discovery = "headless"
openapi = "items.yaml"

[external_services.replicas]
url = "http://replicas-api:8080"
discovery = "static"
endpoints = ["http://10.0.0.1:8080", "http://10.0.0.2:8080"]
load_balancer = "round_robin"
openapi = "items.yaml"

[external_services.plain]
url = "http://plain-api:8080"
`;

const SPEC = `openapi: 3.0.3
info: { title: Items, version: "1.0" }
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - { name: limit, in: query, schema: { type: integer } }
        - { name: tags, in: query, style: pipeDelimited, explode: false, schema: { type: array, items: { type: string } } }
        - { name: filter, in: query, style: deepObject, explode: true, schema: { type: object, properties: { status: { type: string }, created: { type: object, properties: { gte: { type: integer } } } } } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: array, items: { $ref: "#/components/schemas/Item" } } } } }
  /items/{id}:
    get:
      operationId: getItem
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
        - { name: x-tenant, in: header, schema: { type: string } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Item" } } } }
        "404": { description: gone, content: { application/json: { schema: { type: object, required: [missing], properties: { missing: { type: string } } } } } }
        "5XX": { description: down, content: { text/plain: { schema: { type: string } } } }
    delete:
      operationId: deleteItem
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        "204": { description: deleted }
  /files/{name}:
    get:
      operationId: getFile
      servers: [{ url: "https://files.example.com/v2" }]
      parameters:
        - { name: name, in: path, required: true, schema: { type: string } }
      responses:
        "200": { description: bytes, content: { application/octet-stream: { schema: { type: string, format: binary } } } }
components:
  schemas:
    Item:
      type: object
      required: [id, name]
      properties: { id: { type: string }, name: { type: string } }
`;

// Every function takes its own MockAgent (disableNetConnect: an unmatched request fails) and reports what the client
// got and what it sent. No casts: the mocked bodies are checked against the spec by tsc.
const USAGE = `import { MockAgent } from "undici";
import { createItemsClient } from "./clients/items/index.js";
import { mockItems } from "./clients/items/mock.js";
import { mockPods } from "./clients/pods/mock.js";
import { createReplicasClient } from "./clients/replicas/index.js";
import { mockReplicas } from "./clients/replicas/mock.js";
import { isHttpError } from "./runtime/index.js";

function agentFor(): MockAgent {
  const agent = new MockAgent({ enableCallHistory: true });
  agent.disableNetConnect();
  return agent;
}

function sent(agent: MockAgent): string[] {
  return (agent.getCallHistory()?.calls() ?? []).map((c) => c.method + " " + c.origin + c.fullUrl.slice(c.origin.length));
}

function failure(error: unknown): string {
  const names: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) names.push(e.name);
  return names.join(" <- ");
}

export async function defaults(): Promise<{ baseUrl: string; body: string; sent: string[] }> {
  const agent = agentFor();
  const client = createItemsClient({ dispatcher: agent });
  mockItems(agent).getItem({ path: { id: "1" } }).reply(200, { id: "1", name: "first" });
  try {
    const item = await client.getItem({ path: { id: "1" } });
    return { baseUrl: client.describe().baseUrl, body: item.id + " " + item.name, sent: sent(agent) };
  } finally {
    await client.close();
    await agent.close();
  }
}

export async function origin(): Promise<{ body: string; sent: string[] }> {
  const agent = agentFor();
  const client = createItemsClient({ dispatcher: agent, baseUrl: "http://127.0.0.1:3000/base", env: {} });
  mockItems(agent, { origin: "http://127.0.0.1:3000/base" }).getItem({ path: { id: "7" } }).reply(200, { id: "7", name: "local" });
  try {
    const item = await client.getItem({ path: { id: "7" } });
    return { body: item.name, sent: sent(agent) };
  } finally {
    await client.close();
    await agent.close();
  }
}

export async function encoding(id: string): Promise<{ body: string; sent: string[] }> {
  const agent = agentFor();
  const client = createItemsClient({ dispatcher: agent, env: {} });
  mockItems(agent, { env: {} }).getItem({ path: { id } }).reply(200, { id, name: "encoded" });
  try {
    const item = await client.getItem({ path: { id } });
    return { body: item.id, sent: sent(agent) };
  } finally {
    await client.close();
    await agent.close();
  }
}

export async function query(): Promise<{ seen: string[]; sent: string[] }> {
  const agent = agentFor();
  const client = createItemsClient({ dispatcher: agent, env: {} });
  const mock = mockItems(agent, { env: {} });
  const seen: string[] = [];
  mock.listItems({ query: { filter: { status: "open", created: { gte: 1700000000 } }, tags: ["a", "b|c"], limit: 2 } }).reply(200, [{ id: "q", name: "query" }]);
  mock.listItems().reply(200, [{ id: "any", name: "any query" }]);
  try {
    // The same query with its keys in another order: matched by the first interceptor.
    const first = await client.listItems({ query: { limit: 2, tags: ["a", "b|c"], filter: { created: { gte: 1700000000 }, status: "open" } } });
    seen.push(first.map((i) => i.name).join());
    // Another query: the second interceptor (no query given) matches any.
    const second = await client.listItems({ query: { limit: 3 } });
    seen.push(second.map((i) => i.name).join());
    mock.listItems({ query: { limit: 2 } }).reply(200, []);
    try {
      await client.listItems({ query: { limit: 5 } });
      seen.push("limit 5 answered");
    } catch (error) {
      seen.push(failure(error));
    }
    return { seen, sent: sent(agent) };
  } finally {
    await client.close();
    await agent.close();
  }
}

export async function headers(): Promise<{ seen: string[]; sent: string[] }> {
  const agent = agentFor();
  const client = createItemsClient({ dispatcher: agent, env: {} });
  const seen: string[] = [];
  mockItems(agent, { env: {} }).getItem({ path: { id: "h" }, headers: { "x-tenant": "t1" } }).reply(200, { id: "h", name: "tenant t1" });
  try {
    try {
      await client.getItem({ path: { id: "h" }, headers: { "x-tenant": "t2" } });
      seen.push("t2 answered");
    } catch (error) {
      seen.push(failure(error));
    }
    const item = await client.getItem({ path: { id: "h" }, headers: { "x-tenant": "t1" } });
    seen.push(item.name);
    return { seen, sent: sent(agent) };
  } finally {
    await client.close();
    await agent.close();
  }
}

export async function replies(): Promise<{ seen: string[]; sent: string[] }> {
  const agent = agentFor();
  const client = createItemsClient({ dispatcher: agent, env: {} });
  const mock = mockItems(agent, { env: {} });
  const seen: string[] = [];
  mock.getItem({ path: { id: "gone" } }).reply(404, { missing: "gone" });
  mock.getItem({ path: { id: "down" } }).reply(500, "maintenance");
  mock.getItem({ path: { id: "reset" } }).replyWithError(new Error("socket hang up"));
  mock.getItem({ path: { id: "twice" } }).reply(200, { id: "twice", name: "again" }).times(2);
  mock.deleteItem({ path: { id: "d" } }).reply(204);
  mock.getFile({ path: { name: "logo.png" } }).reply(200, new Uint8Array([1, 2, 3]));
  try {
    for (const id of ["gone", "down", "reset"]) {
      try {
        await client.getItem({ path: { id } }, { timeoutMs: 1000 });
      } catch (error) {
        if (isHttpError(error, client.getItem)) {
          if (error.status === 404) seen.push("404 " + error.body.missing);
          else seen.push(error.status + " " + String(error.body));
        } else {
          seen.push(id + " " + failure(error));
        }
      }
    }
    for (let i = 0; i < 2; i++) seen.push((await client.getItem({ path: { id: "twice" } })).name);
    seen.push("deleted " + String(await client.deleteItem({ path: { id: "d" } })));
    seen.push("file " + Array.from(await client.getFile({ path: { name: "logo.png" } })).join(","));
    return { seen, sent: sent(agent) };
  } finally {
    await client.close();
    await agent.close();
  }
}

export async function servers(): Promise<{ seen: string[]; sent: string[] }> {
  const agent = agentFor();
  const moved = { "https://files.example.com/v2": "https://cdn.example.com/files-v3" };
  const client = createItemsClient({ dispatcher: agent, env: {}, servers: moved });
  mockItems(agent, { env: {}, servers: moved }).getFile({ path: { name: "logo.png" } }).reply(200, new Uint8Array([4, 5]));
  try {
    const seen = ["file " + Array.from(await client.getFile({ path: { name: "logo.png" } })).join(",")];
    return { seen, sent: sent(agent) };
  } finally {
    await client.close();
    await agent.close();
  }
}

export async function replicas(): Promise<{ seen: string[]; sent: string[] }> {
  const agent = agentFor();
  const client = createReplicasClient({ dispatcher: agent, env: {} });
  mockReplicas(agent, { env: {} }).getItem({ path: { id: "r" } }).reply(200, { id: "r", name: "replica" }).persist();
  try {
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) seen.push((await client.getItem({ path: { id: "r" } })).name);
    return { seen, sent: sent(agent) };
  } finally {
    await client.close();
    await agent.close();
  }
}

export function headless(): string {
  const agent = new MockAgent();
  try {
    mockPods(agent, { env: {} }).getItem({ path: { id: "1" } });
    return "no error";
  } catch (error) {
    return error instanceof Error ? error.name + ": " + error.message : "?";
  } finally {
    void agent.close();
  }
}
`;

// One wrong reply per line from 3 on; line 2 holds what must compile.
const PLANTED = `import { MockAgent } from "undici";
import { mockItems } from "./clients/items/mock.js"; const mock = mockItems(new MockAgent()); mock.getItem({ path: { id: "1" } }).reply(200, { id: "1", name: "ok" }); mock.getItem({ path: { id: "1" } }).reply(418, { anything: true });
mock.getItem({ path: { id: "1" } }).reply(200, { wrong: 1 });
mock.getItem({ path: { id: "1" } }).reply(404, { id: "1", name: "not the 404 body" });
mock.getItem({ path: { id: "1" } }).reply(503, { text: "5XX documents text" });
mock.getItem({ path: { id: "1" } }).reply(200, { id: "1", name: "ok", extra: true });
mock.getItem({ path: { id: "1" } }).reply(200);
mock.deleteItem({ path: { id: "1" } }).reply(204, { body: "none documented" });
mock.getItem({});
mock.listItems({ query: { limit: "2" } });
mock.getItem({ path: { id: "1" } }).reply(200, { id: "1", name: "ok" }).times("2");
`;

interface Usage {
  defaults(): Promise<{ baseUrl: string; body: string; sent: string[] }>;
  origin(): Promise<{ body: string; sent: string[] }>;
  encoding(id: string): Promise<{ body: string; sent: string[] }>;
  query(): Promise<{ seen: string[]; sent: string[] }>;
  headers(): Promise<{ seen: string[]; sent: string[] }>;
  replies(): Promise<{ seen: string[]; sent: string[] }>;
  replicas(): Promise<{ seen: string[]; sent: string[] }>;
  servers(): Promise<{ seen: string[]; sent: string[] }>;
  headless(): string;
}

let usage: Usage;
let generated: GeneratedFile[];
let tsc: { others: string[]; planted: string[] } | undefined;
const checked = (): { others: string[]; planted: string[] } => (tsc ??= typeCheckPlanted(OUT, ["clients/**/*.ts", "usage.ts", "planted.ts"]));

beforeAll(async () => {
  rmSync(CASE, { recursive: true, force: true });
  mkdirSync(CASE, { recursive: true });
  writeFileSync(path.join(CASE, "services.toml"), TOML);
  writeFileSync(path.join(CASE, "items.yaml"), SPEC);
  const result = await generateInto(CASE, OUT);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  generated = result.files;
  writeFileSync(path.join(OUT, "usage.ts"), USAGE);
  writeFileSync(path.join(OUT, "planted.ts"), PLANTED);
  usage = (await import(pathToFileURL(path.join(OUT, "usage.ts")).href)) as Usage;
});

describe("typed mocks", () => {
  it("are written for every service with an OpenAPI spec, next to its client", () => {
    const paths = generated.map((f) => f.path);
    expect(paths.filter((f) => f.startsWith("clients/") && f.endsWith("/mock.ts"))).toEqual(["clients/items/mock.ts", "clients/pods/mock.ts", "clients/replicas/mock.ts"]);
    expect(paths).toContain("runtime/mock.ts");
  });

  it("the usage type-checks under strict settings without a cast", () => {
    expect(checked().others).toEqual([]);
  });

  it("each wrong reply or match fails tsc at its own line", () => {
    const lines = checked().planted.map((l) => Number(/planted\.ts\((\d+),\d+\)/.exec(l)?.[1]));
    expect([...new Set(lines)]).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // The wrong 200 body is reported against the spec's Item.
    expect(checked().planted.find((l) => l.includes("planted.ts(3,"))).toMatch(/'wrong' does not exist in type '\{ id: string; name: string; \}'/);
  });

  it("by default sit where a client without baseUrl sends: the configured URL, qualified with the namespace", async () => {
    const r = await usage.defaults();
    expect(r.baseUrl).toBe("http://items-api.shop.svc.cluster.local:8080/api");
    expect(r.body).toBe("1 first");
    expect(r.sent).toEqual(["GET http://items-api.shop.svc.cluster.local:8080/api/items/1"]);
  });

  it("options.origin is the client's baseUrl, its path included", async () => {
    const r = await usage.origin();
    expect(r.body).toBe("local");
    expect(r.sent).toEqual(["GET http://127.0.0.1:3000/base/items/7"]);
  });

  it("match path parameters percent-encoded as the client sends them", async () => {
    const r = await usage.encoding("a/b c?ü#");
    expect(r.body).toBe("a/b c?ü#");
    expect(r.sent).toEqual(["GET http://items-api.shop.svc.cluster.local:8080/api/items/a%2Fb%20c%3F%C3%BC%23"]);
  });

  it("match a given query (deepObject, pipeDelimited, any key order); without one any query; another query is not matched", async () => {
    const r = await usage.query();
    expect(r.seen[0]).toBe("query");
    expect(r.seen[1]).toBe("any query");
    // undici's MockNotMatchedError, as the cause of the client's error.
    expect(r.seen[2]).toMatch(/MockNotMatchedError$/);
    const origin = "http://items-api.shop.svc.cluster.local:8080";
    expect(r.sent).toEqual([
      `GET ${origin}/api/items?limit=2&tags=a|b%7Cc&filter%5Bcreated%5D%5Bgte%5D=1700000000&filter%5Bstatus%5D=open`,
      `GET ${origin}/api/items?limit=3`,
      // Nothing reached a server, so the client retried it as it retries a connection failure (3 attempts).
      `GET ${origin}/api/items?limit=5`,
      `GET ${origin}/api/items?limit=5`,
      `GET ${origin}/api/items?limit=5`,
    ]);
  });

  it("match given headers: another value is not matched", async () => {
    const r = await usage.headers();
    expect(r.seen).toEqual([expect.stringMatching(/MockNotMatchedError$/), "tenant t1"]);
    const at = "GET http://items-api.shop.svc.cluster.local:8080/api/items/h";
    expect(r.sent).toEqual([at, at, at, at]); // 3 attempts of the unmatched call, then the matched one
  });

  it("reply with documented error bodies, errors, repeats, no content and bytes, at an operation's own server", async () => {
    const r = await usage.replies();
    expect(r.seen).toEqual(["404 gone", "500 maintenance", expect.stringMatching(/^reset .*Error/), "again", "again", "deleted undefined", "file 1,2,3"]);
    const origin = "http://items-api.shop.svc.cluster.local:8080";
    expect(r.sent).toEqual([
      `GET ${origin}/api/items/gone`,
      `GET ${origin}/api/items/down`,
      // The error is a connection failure to the client: retried, and the retries find no interceptor.
      `GET ${origin}/api/items/reset`,
      `GET ${origin}/api/items/reset`,
      `GET ${origin}/api/items/reset`,
      `GET ${origin}/api/items/twice`,
      `GET ${origin}/api/items/twice`,
      `DELETE ${origin}/api/items/d`,
      "GET https://files.example.com/v2/files/logo.png",
    ]);
  });

  it("given the client's servers option, match an operation at the server it was moved to", async () => {
    expect(await usage.servers()).toEqual({ seen: ["file 4,5"], sent: ["GET https://cdn.example.com/files-v3/files/logo.png"] });
  });

  it("with static discovery, answer at every configured endpoint", async () => {
    const r = await usage.replicas();
    expect(r.seen).toEqual(["replica", "replica", "replica", "replica"]);
    // Round robin over both endpoints, each answered by the one persisted interceptor.
    expect([...new Set(r.sent)].sort()).toEqual(["GET http://10.0.0.1:8080/items/r", "GET http://10.0.0.2:8080/items/r"]);
    expect(r.sent).toHaveLength(4);
  });

  it("refuse headless discovery without an origin, saying what to pass", () => {
    expect(usage.headless()).toMatch(/^ConfigError: .*discovery = "headless".*pass options\.origin/);
  });

  it("become mock.js + mock.d.ts with the js+dts target", () => {
    // Only the mock modules: each compiles on its own text (test/emit/js-dts checks every golden case's whole output).
    const out = new Map(toJsDts(generated.filter((f) => f.path.endsWith("/mock.ts"))).map((f) => [f.path, f.content]));
    expect([...out.keys()].filter((p) => p.includes("mock"))).toEqual([
      "clients/items/mock.d.ts",
      "clients/items/mock.js",
      "clients/pods/mock.d.ts",
      "clients/pods/mock.js",
      "clients/replicas/mock.d.ts",
      "clients/replicas/mock.js",
      "runtime/mock.d.ts",
      "runtime/mock.js",
    ]);
    expect(out.get("clients/items/mock.d.ts")).toContain("export declare function mockItems(agent: MockAgent, options?: MockOptions): ItemsMock;");
  });
});
