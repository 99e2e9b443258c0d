// services.toml's `idempotent` decides, end to end: generated from a real spec, run against a real server. A DELETE
// marked `idempotent = false` is sent once however the server answers; the same method without the override is
// retried; a POST marked `idempotent = true` is retried. (The mesh drops retries for the same operation: see the
// mesh-istio golden.)
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClientOptions } from "../../src/runtime/index.js";
import { generateInto } from "../support/generated.js";
import { TMP } from "../support/repo.js";
import { startServer, type RunningServer } from "../support/servers/http.js";

const CASE = path.join(TMP, "idempotent-override-case");
const OUT = path.join(TMP, "idempotent-override-out");

const SPEC = `openapi: 3.0.3
info: { title: shop, version: "1" }
paths:
  /items/{id}:
    parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
    delete: { operationId: deleteItem, responses: { "204": { description: gone } } }
  /tags/{id}:
    parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
    delete: { operationId: deleteTag, responses: { "204": { description: gone } } }
  /orders:
    post: { operationId: placeOrder, responses: { "201": { description: placed } } }
`;

const TOML = `[external_services.shop]
url = "http://shop-api:8080"
openapi = "shop.yaml"
circuit_breaker = { enabled = false }
retry = { max_attempts = 3, initial_backoff_ms = 1, max_backoff_ms = 2, retry_on = [503] }

[external_services.shop.operations.deleteItem]
idempotent = false

[external_services.shop.operations.placeOrder]
idempotent = true
`;

interface ShopClient {
  deleteItem(params: { path: { id: string } }): Promise<unknown>;
  deleteTag(params: { path: { id: string } }): Promise<unknown>;
  placeOrder(params?: Record<string, never>): Promise<unknown>;
  close(): Promise<void>;
}

let createShopClient: (options?: ClientOptions) => ShopClient;
let server: RunningServer;

beforeAll(async () => {
  mkdirSync(CASE, { recursive: true });
  writeFileSync(path.join(CASE, "shop.yaml"), SPEC);
  writeFileSync(path.join(CASE, "services.toml"), TOML);
  const result = await generateInto(CASE, OUT);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  ({ createShopClient } = (await import(pathToFileURL(path.join(OUT, "clients", "index.ts")).href)) as { createShopClient: typeof createShopClient });
  server = await startServer(() => ({ status: 503, headers: { "content-type": "text/plain" }, body: "busy" }));
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe("services.toml idempotent overrides reach the runtime", () => {
  it.each([
    ["deleteItem", "DELETE", "/items/1", 1],
    ["deleteTag", "DELETE", "/tags/1", 3],
    ["placeOrder", "POST", "/orders", 3],
  ] as const)("%s (%s %s) answered 503 is sent %i time(s)", async (operation, method, path, sends) => {
    const client = createShopClient({ baseUrl: server.url, env: {} });
    const before = server.seen.length;
    try {
      const call = operation === "placeOrder" ? client.placeOrder() : client[operation]({ path: { id: "1" } });
      await expect(call).rejects.toMatchObject({ status: 503 });
    } finally {
      await client.close();
    }
    const seen = server.seen.slice(before);
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual(Array.from({ length: sends }, () => `${method} ${path}`));
  });
});
