// The gRPC client bounds a response message as the HTTP client bounds a body (max_response_bytes): against a real
// grpc-js server, a message larger than the limit fails the call with RESOURCE_EXHAUSTED; within it, the call succeeds.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAuthGrpcServer, paths, VALID_TOKEN } from "../../support/servers/grpc-auth.js";
import { failure, generateExample } from "./support.js";
import type { Generated } from "./support.js";
import type { GrpcServiceDefinition } from "../../../generated/runtime/grpc/index.js";

let g: Generated;
beforeAll(async () => {
  g = await generateExample("grpc-limits");
});
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe("max_response_bytes for gRPC", () => {
  it("a response message over the limit is RESOURCE_EXHAUSTED; the service's limit and the client option both apply", async () => {
    const s = await startAuthGrpcServer("limits");
    cleanup.push(() => s.close());
    const base = g.auth.authServiceGrpcDefinition as GrpcServiceDefinition;
    const def = (maxResponseBytes?: number): GrpcServiceDefinition => ({
      ...base,
      discovery: { ...base.discovery, kind: "static", endpoints: [{ scheme: "http", host: "127.0.0.1", port: s.port }] },
      policy: { ...base.policy, ...(maxResponseBytes !== undefined ? { maxResponseBytes } : {}), retry: { ...base.policy.retry, maxAttempts: 1 } },
    });
    const m = g.auth.AuthService.method;
    const tight = g.grpc.createGrpcServiceClient(def(8), { env: {} });
    cleanup.push(() => tight.close());
    const error = await failure(tight.unary(m.validateToken, { token: VALID_TOKEN }));
    expect(error).toMatchObject({ status: "RESOURCE_EXHAUSTED" });
    const roomy = g.grpc.createGrpcServiceClient(def(8), { env: {}, maxResponseBytes: 64 * 1024 });
    cleanup.push(() => roomy.close());
    expect((await roomy.unary(m.validateToken, { token: VALID_TOKEN })).valid).toBe(true);
    expect(s.count(paths.validate)).toBe(2);
  });
});
