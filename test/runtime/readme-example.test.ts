// The custom balancer shown in the README (section "A balancer of your own"), verbatim but for the import path: it
// compiles against the exported types and does what the README says, against real servers.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createServiceClient } from "../../src/runtime/index.js";
// ---- README example starts (imports from "./generated/runtime/index.js" there)
import { RoundRobinBalancer } from "../../src/runtime/index.js";
import type { AttemptResult, Balancer, Endpoint, PickRequest } from "../../src/runtime/index.js";

/** Keeps each tenant on one endpoint (so its caches stay warm); requests without a tenant go round-robin. */
class TenantBalancer implements Balancer {
  readonly name = "tenant";
  readonly #fallback = new RoundRobinBalancer();
  readonly slow: string[] = [];

  pick(request: PickRequest): Endpoint | undefined {
    const tenant = request.headers["x-tenant"];
    if (tenant === undefined) return this.#fallback.pick(request);
    const list = request.endpoints;
    let i = 0;
    for (const ch of tenant) i = (i * 31 + ch.charCodeAt(0)) % list.length;
    // A retry moves on to the next endpoint this call has not tried and whose breaker is closed.
    for (let k = 0; k < list.length; k++) {
      const e = list[(i + k) % list.length]!;
      if (!request.tried(e) && request.available(e)) return e;
    }
    return this.#fallback.pick(request);
  }

  onResult(endpoint: Endpoint, result: AttemptResult): void {
    if (result.latencyMs > 500) this.slow.push(endpoint.origin);
  }
}
// ---- README example ends
import { Pod } from "./support/pods.js";
import { op, service } from "./support/service.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe("README: a balancer of your own", () => {
  it("is the README's example, verbatim but for the import path", () => {
    const self = readFileSync(fileURLToPath(import.meta.url), "utf8");
    const example = self
      .split("// ---- README example starts (imports from \"./generated/runtime/index.js\" there)\n")[1]!
      .split("// ---- README example ends")[0]!
      .replaceAll("../../src/runtime/index.js", "./generated/runtime/index.js");
    const readme = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");
    expect(readme).toContain(example);
  });

  it("pins each tenant to one endpoint and spreads the rest", async () => {
    const pods: Pod[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await Pod.start(`pod-${i}`);
      cleanup.push(() => p.kill());
      pods.push(p);
    }
    const def = service(pods[0]!.origin, { endpoints: pods.map((p) => ({ scheme: "http" as const, host: p.host, port: p.port })) });
    const balancer = new TenantBalancer();
    const client = createServiceClient(def, { env: {}, balancer });
    cleanup.push(() => client.close());
    const work = op("work", "GET", "/work");
    const where = new Map<string, Set<string>>();
    for (let i = 0; i < 60; i++) {
      const tenant = `tenant-${i % 6}`;
      const { pod } = await client.call<{ pod: string }>(work, undefined, { headers: { "x-tenant": tenant } });
      (where.get(tenant) ?? where.set(tenant, new Set()).get(tenant)!).add(pod);
    }
    for (const pods of where.values()) expect(pods.size).toBe(1);
    for (let i = 0; i < 30; i++) await client.call(work, undefined);
    expect(pods.map((p) => p.seen.length - p.seen.filter((s) => s.headers["x-tenant"] !== undefined).length)).toEqual([10, 10, 10]);
    expect(client.describe().balancer).toBe("tenant");
  });
});
