// The public middleware hook on the gRPC client, against real @grpc/grpc-js servers: the same middleware value as
// the HTTP client's, once per attempt; server statuses reach it by name; what it returns is the attempt's outcome.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAuthGrpcServer, paths, VALID_TOKEN } from "../../support/servers/grpc-auth.js";
import type { RunningGrpcServer } from "../../support/servers/grpc.js";
import { collect, failure, generateExample } from "./support.js";
import type { Generated } from "./support.js";
import type { GrpcServiceDefinition, Middleware } from "../../../generated/runtime/grpc/index.js";

let g: Generated;
beforeAll(async () => {
  g = await generateExample("grpc-middleware");
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

const UNAVAILABLE = 14;

function client(s: RunningGrpcServer, middleware: Middleware[]) {
  const base = g.auth.authServiceGrpcDefinition as GrpcServiceDefinition;
  const def: GrpcServiceDefinition = { ...base, policy: { ...base.policy, retry: { ...base.policy.retry, initialBackoffMs: 1, maxBackoffMs: 1, jitter: "none" } } };
  const c = g.grpc.createGrpcServiceClient(def, { env: {}, baseUrl: s.url, middleware });
  cleanup.push(() => c.close());
  const m = g.auth.AuthService.method;
  return {
    validate: () => c.unary(m.validateToken, { token: VALID_TOKEN }),
    issue: () => c.unary(m.issueToken, { subject: "u1" }),
    listKeys: () => collect(c.serverStream(m.listKeys, {})),
  };
}

const attemptHeader: Middleware = (next) => (req) => {
  req.headers["x-attempt"] = String(req.attempt);
  return next(req);
};

describe("gRPC middleware", () => {
  it("sets metadata the server sees on every attempt of a retried call, and hears statuses by name", async () => {
    const s = await server();
    s.failNext(paths.validate, { code: UNAVAILABLE }, 2);
    const heard: unknown[] = [];
    const watch: Middleware = (next) => async (req) => {
      const res = await next(req);
      heard.push([req.protocol, req.operation, req.attempt, req.endpoint, res.status]);
      return res;
    };
    expect((await client(s, [watch, attemptHeader]).validate()).valid).toBe(true);
    expect(s.seen.filter((c) => c.path === paths.validate).map((c) => c.metadata["x-attempt"])).toEqual(["1", "2", "3"]);
    expect(heard).toEqual([
      ["grpc", "auth.v1.AuthService/ValidateToken", 1, s.url, "UNAVAILABLE"],
      ["grpc", "auth.v1.AuthService/ValidateToken", 2, s.url, "UNAVAILABLE"],
      ["grpc", "auth.v1.AuthService/ValidateToken", 3, s.url, "OK"],
    ]);
  });

  it("an OK turned into UNAVAILABLE is retried", async () => {
    const s = await server();
    let turned = 0;
    const flaky: Middleware = (next) => async (req) => {
      const res = await next(req);
      return turned++ === 0 ? { ...res, status: "UNAVAILABLE" } : res;
    };
    expect((await client(s, [flaky, attemptHeader]).validate()).valid).toBe(true);
    expect(s.seen.filter((c) => c.path === paths.validate).map((c) => c.metadata["x-attempt"])).toEqual(["1", "2"]);
  });

  it("a thrown error ends the call with that error, not retried", async () => {
    const s = await server();
    const boom = new Error("signing key unavailable");
    const sendThenThrow: Middleware = (next) => async (req) => {
      await next(req);
      throw boom;
    };
    expect(await failure(client(s, [sendThenThrow]).validate())).toBe(boom);
    expect(s.count(paths.validate)).toBe(1);
  });

  it("streams carry the metadata too", async () => {
    const s = await server();
    const keys = await client(s, [attemptHeader]).listKeys();
    expect(keys.length).toBeGreaterThan(0);
    expect(s.seen.filter((c) => c.path === paths.listKeys).map((c) => c.metadata["x-attempt"])).toEqual(["1"]);
  });

  it("the same middleware value works on the HTTP client", async () => {
    const http = await import("node:http");
    const seen: (string | undefined)[] = [];
    const srv = http.createServer((req, res) => {
      seen.push(req.headers["x-attempt"] as string | undefined);
      res.writeHead(seen.length < 2 ? 503 : 200, { "content-type": "application/json" });
      res.end("{}");
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    cleanup.push(() => new Promise<void>((r) => srv.close(() => r())));
    const port = (srv.address() as { port: number }).port;
    const c = g.runtime.createServiceClient(
      {
        name: "h",
        url: `http://127.0.0.1:${port}`,
        scheme: "http",
        host: "127.0.0.1",
        port,
        basePath: "",
        discovery: { kind: "dns", endpoints: [], dnsServers: [] },
        policy: { ...(g.auth.authServiceGrpcDefinition as GrpcServiceDefinition).policy, retry: { ...(g.auth.authServiceGrpcDefinition as GrpcServiceDefinition).policy.retry, initialBackoffMs: 1, maxBackoffMs: 1, jitter: "none" } },
        healthPath: "/health",
        readyPath: "/ready",
      },
      { env: {}, middleware: [attemptHeader] },
    );
    cleanup.push(() => c.close());
    await c.health();
    expect(seen).toEqual(["1", "2"]);
  });
});
