// Fail-over rules follow the balancer's `failover` flag, not its class: a balancer that wraps the built-in failover
// and says so keeps the rules (a default-retriable 503 retries the same endpoint); one that does not, does not.
import { afterEach, describe, expect, it } from "vitest";
import { createServiceClient, FailoverBalancer } from "../../src/runtime/index.js";
import type { AttemptResult, Balancer, Endpoint, PickRequest, ServiceClient } from "../../src/runtime/index.js";
import { json, startServer } from "./support/http.js";
import type { TestServer } from "./support/http.js";
import { op, service } from "./support/service.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

class Wrapped implements Balancer {
  readonly name = "wrapped-failover";
  readonly #inner = new FailoverBalancer();
  readonly failover: boolean;
  constructor(failover: boolean) {
    this.failover = failover;
  }
  pick(request: PickRequest): Endpoint | undefined {
    return this.#inner.pick(request);
  }
  onResult(endpoint: Endpoint, result: AttemptResult): void {
    this.#inner.onResult?.(endpoint, result);
  }
  preferred(endpoints: readonly Endpoint[]): Endpoint | undefined {
    return this.#inner.preferred(endpoints);
  }
}

async function run(failover: boolean): Promise<{ a: TestServer; b: TestServer; client: ServiceClient }> {
  const a = await startServer((_req, res) => json(res, 503, {}));
  const b = await startServer((_req, res) => json(res, 200, {}));
  cleanup.push(() => a.close(), () => b.close());
  const endpoints = [a, b].map((s) => ({ scheme: "http" as const, host: "127.0.0.1", port: s.port }));
  const def = service(a.origin, { endpoints, retry: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 1, jitter: "none", retryOnStatus: [] }, policy: { circuitBreaker: { enabled: false } } });
  const client = createServiceClient(def, { env: {}, balancer: new Wrapped(failover) });
  cleanup.push(() => client.close());
  await client.call(op("get", "GET", "/"), undefined).catch(() => undefined);
  return { a, b, client };
}

describe("Balancer.failover", () => {
  it("a wrapper that sets it keeps fail-over's same-endpoint retry of a default-retriable status", async () => {
    const { a, b, client } = await run(true);
    expect([a.requests.length, b.requests.length]).toEqual([3, 0]);
    expect(client.describe().preferred).toBe(a.origin);
  });

  it("a wrapper that does not set it gets the plain rules: an unlisted 503 is final", async () => {
    const { a, b } = await run(false);
    expect([a.requests.length, b.requests.length]).toEqual([1, 0]);
  });
});
