// Credentials on the gRPC client (the generated example's auth_service and its generated runtime copy) against a real
// @grpc/grpc-js server: `authorization` metadata from `auth.bearer` / `auth.basic`, the call option winning, and
// UNAUTHENTICATED playing the 401's part: one refresh, one replay, recorded; a second one is final.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import * as grpc from "@grpc/grpc-js";
import { paths, startAuthGrpcServer, VALID_TOKEN } from "../../support/servers/grpc-auth.js";
import type { RunningGrpcServer } from "../../support/servers/grpc.js";
import { failure, generateExample } from "../grpc/support.js";
import type { Generated } from "../grpc/support.js";
import type { GrpcClientOptions, GrpcServiceDefinition } from "../../../generated/runtime/grpc/index.js";
import type { AttemptRecord, ClientEvent } from "../../../generated/runtime/index.js";

let g: Generated;
beforeAll(async () => {
  g = await generateExample("auth-grpc");
});

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function server(): Promise<RunningGrpcServer> {
  const s = await startAuthGrpcServer();
  cleanup.push(() => s.close());
  return s;
}

function client(s: RunningGrpcServer, options: GrpcClientOptions) {
  const def = g.auth.authServiceGrpcDefinition as GrpcServiceDefinition;
  const c = g.grpc.createGrpcServiceClient(def, { env: {}, baseUrl: s.url, ...options });
  cleanup.push(() => c.close());
  return { c, validate: (o: Parameters<typeof c.unary>[2] = {}) => c.unary(g.auth.AuthService.method.validateToken, { token: VALID_TOKEN }, o) };
}

const authorization = (s: RunningGrpcServer, from = 0): (string | undefined)[] => s.seen.slice(from).filter((c) => c.path === paths.validate).map((c) => c.metadata["authorization"]);

describe("gRPC credentials", () => {
  it("bearer and basic as `authorization` metadata; the call option wins", async () => {
    const s = await server();
    const { validate } = client(s, { auth: { bearer: "grpc-token" } });
    await validate();
    await validate({ auth: { bearer: "per-call" } });
    const basic = client(s, { auth: { basic: { username: "svc", password: "pw" } } });
    await basic.validate();
    expect(authorization(s)).toEqual(["Bearer grpc-token", "Bearer per-call", `Basic ${Buffer.from("svc:pw").toString("base64")}`]);
  });

  it("UNAUTHENTICATED refreshes the provider's token and replays once; recorded and heard", async () => {
    const s = await server();
    let n = 0;
    const events: ClientEvent[] = [];
    let attempts: readonly AttemptRecord[] = [];
    const { validate } = client(s, { auth: { bearer: () => `g${++n}` }, onEvent: (e) => events.push(e) });
    s.failNext(paths.validate, { code: grpc.status.UNAUTHENTICATED, message: "token expired" });
    await validate({ onResponse: (info) => (attempts = info.attempts) });
    expect(authorization(s)).toEqual(["Bearer g1", "Bearer g2"]);
    expect(attempts.map((a) => a.authRefresh)).toEqual([true, undefined]);
    expect(events.filter((e) => e.type === "auth_refresh").map((e) => e["schemes"])).toEqual([["bearer"]]);
  });

  it("a second UNAUTHENTICATED is final, and a static token is never replayed", async () => {
    const s = await server();
    let n = 0;
    const refreshing = client(s, { auth: { bearer: () => `h${++n}` } });
    s.failNext(paths.validate, { code: grpc.status.UNAUTHENTICATED }, 2);
    const error = await failure(refreshing.validate());
    expect((error as { statusCode?: number }).statusCode).toBe(16);
    expect((error as Error).message).toMatch(/gRPC UNAUTHENTICATED from .*; the operation accepts bearer or basic \(sent: bearer\)$/);
    expect(authorization(s)).toEqual(["Bearer h1", "Bearer h2"]);
    const fixed = client(s, { auth: { bearer: "static-token" } });
    s.failNext(paths.validate, { code: grpc.status.UNAUTHENTICATED });
    const from = s.seen.length;
    await failure(fixed.validate());
    expect(authorization(s, from)).toEqual(["Bearer static-token"]);
  });
});
