// x-request-id: one fresh id per call, the same on each of its attempts; the caller's own id wins; `requestId: false`
// (client or call option) sends none. What the server saw decides.
import { afterEach, describe, expect, it } from "vitest";
import { createServiceClient } from "../../src/runtime/index.js";
import type { ClientOptions, CallOptions, ServiceClient } from "../../src/runtime/index.js";
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

/** Two calls, the first answered 503 once then 200: the x-request-id of every request the server saw. */
async function ids(clientOptions: ClientOptions, callOptions?: CallOptions): Promise<Array<string | undefined>> {
  let n = 0;
  server = await startServer((_req, res) => {
    res.writeHead(++n === 1 ? 503 : 200, { "content-type": "application/json" });
    res.end("{}");
  });
  const def = service(server.origin, { retry: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 1, jitter: "none" }, policy: { circuitBreaker: { enabled: false } } });
  client = createServiceClient(def, { env: {}, ...clientOptions });
  const get = op("getItem", "GET", "/items/1", { response: "json" });
  await client.call(get, undefined, callOptions);
  await client.call(get, undefined, callOptions);
  return server.requests.map((r) => r.headers["x-request-id"] as string | undefined);
}

describe("x-request-id", () => {
  it("is sent by default: the same on a call's attempts, another on the next call", async () => {
    const [a1, a2, b] = await ids({});
    expect(a1).toMatch(/^[0-9a-f-]{36}$/);
    expect(a2).toBe(a1);
    expect(b).toMatch(/^[0-9a-f-]{36}$/);
    expect(b).not.toBe(a1);
  });

  it("the caller's own id wins", async () => {
    expect(await ids({}, { headers: { "X-Request-Id": "req-7" } })).toEqual(["req-7", "req-7", "req-7"]);
  });

  it("requestId: false on the client sends none", async () => {
    expect(await ids({ requestId: false })).toEqual([undefined, undefined, undefined]);
  });

  it("the call's requestId: true wins over the client's false", async () => {
    const seen = await ids({ requestId: false }, { requestId: true });
    expect(seen.every((id) => id !== undefined && /^[0-9a-f-]{36}$/.test(id))).toBe(true);
  });

  it("the call's requestId: false wins over the client's default", async () => {
    expect(await ids({}, { requestId: false })).toEqual([undefined, undefined, undefined]);
  });
});
