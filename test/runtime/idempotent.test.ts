// The runtime trusts the generator's op.idempotent: services.toml's `idempotent = false` on a DELETE means one send.
import { afterEach, describe, expect, it } from "vitest";
import { createServiceClient, isHttpError } from "../../src/runtime/index.js";
import type { ServiceClient } from "../../src/runtime/index.js";
import { op, service } from "./support/service.js";
import { startServer } from "./support/http.js";
import type { TestServer } from "./support/http.js";

let server: TestServer | undefined;
let client: ServiceClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

async function deleteAgainst503(idempotent: boolean): Promise<number> {
  server = await startServer((_req, res) => {
    res.writeHead(503, { "content-length": "0" });
    res.end();
  });
  const def = service(server.origin, { retry: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 1, jitter: "none" }, policy: { circuitBreaker: { enabled: false } } });
  client = createServiceClient(def, { env: {} });
  const err = await client.call(op("deleteItem", "DELETE", "/items/1", { idempotent, response: "empty" }), undefined).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isHttpError(err) && err.status).toBe(503);
  return server.requests.filter((r) => r.method === "DELETE" && r.url === "/items/1").length;
}

describe("op.idempotent decides retries, not the method", () => {
  it("a DELETE with idempotent: false is sent once", async () => {
    expect(await deleteAgainst503(false)).toBe(1);
  });

  it("a DELETE with idempotent: true is sent max_attempts times", async () => {
    expect(await deleteAgainst503(true)).toBe(3);
  });

  it("health() and ready() stay idempotent", async () => {
    let n = 0;
    server = await startServer((_req, res) => {
      res.writeHead(++n < 3 ? 503 : 200, { "content-type": "application/json" });
      res.end("{}");
    });
    const def = service(server.origin, { retry: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 1, jitter: "none" }, policy: { circuitBreaker: { enabled: false } } });
    client = createServiceClient(def, { env: {} });
    await client.health();
    expect(server.requests.map((r) => r.url)).toEqual(["/health", "/health", "/health"]);
  });
});
