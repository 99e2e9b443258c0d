// mTLS for gRPC against a real @grpc/grpc-js server whose credentials require a client certificate from the test CA
// (ServerCredentials.createSsl with checkClientCertificate): the certificate from services.toml's files and from the
// option, a call without one, and a certificate rotated on disk that the next HTTP/2 connection presents.
import * as grpc from "@grpc/grpc-js";
import * as loader from "@grpc/proto-loader";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { AUTH_PROTO, VALID_TOKEN } from "../../support/servers/grpc-auth.js";
import { SteppedClock } from "../../support/stepped-clock.js";
import { generateExample } from "../grpc/support.js";
import type { Generated } from "../grpc/support.js";
import type { GrpcServiceDefinition } from "../../../generated/runtime/grpc/index.js";
import { fixture, mountedCert, pem } from "./support.js";

let g: Generated;
beforeAll(async () => {
  g = await generateExample("tls-grpc");
});

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

interface SeenGrpc {
  /** The client certificate's subject CN. */
  readonly cn: string;
  /** The client's address and port: one per connection. */
  readonly peer: string;
}

/** A grpc-js AuthService that only takes connections with a client certificate signed by the test CA. */
async function mtlsServer(): Promise<{ url: string; seen: SeenGrpc[] }> {
  const definition = loader.loadSync(AUTH_PROTO, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
  const service = (grpc.loadPackageDefinition(definition).auth as grpc.GrpcObject).v1 as grpc.GrpcObject;
  const seen: SeenGrpc[] = [];
  const server = new grpc.Server();
  server.addService((service.AuthService as grpc.ServiceClientConstructor).service, {
    ValidateToken(call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) {
      seen.push({ cn: String(call.getAuthContext().sslPeerCertificate?.subject?.CN ?? ""), peer: call.getPeer() });
      callback(null, { valid: true });
    },
  });
  const credentials = grpc.ServerCredentials.createSsl(pem("ca.crt"), [{ private_key: pem("server.key"), cert_chain: pem("server.crt") }], true);
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", credentials, (e, p) => (e ? reject(e) : resolve(p))));
  cleanup.push(() => new Promise<void>((resolve) => server.tryShutdown(() => resolve())));
  cleanup.push(() => server.forceShutdown());
  return { url: `https://127.0.0.1:${port}`, seen };
}

function definition(url: string, extra: Partial<GrpcServiceDefinition> = {}): GrpcServiceDefinition {
  const base = g.auth.authServiceGrpcDefinition as GrpcServiceDefinition;
  const u = new URL(url);
  return { ...base, url, scheme: "https", host: u.hostname, port: Number(u.port), policy: { ...base.policy, retry: { ...base.policy.retry, maxAttempts: 1 } }, ...extra };
}

const files = () => ({ caFile: fixture("ca.crt"), certFile: fixture("client-1.crt"), keyFile: fixture("client-1.key") });

describe("mTLS over gRPC", () => {
  it("presents the certificate from services.toml's files (definition tls) on one HTTP/2 connection", async () => {
    const s = await mtlsServer();
    const c = g.grpc.createGrpcServiceClient(definition(s.url, { tls: files() }), { env: {} });
    cleanup.push(() => c.close());
    for (let i = 0; i < 2; i++) expect((await c.unary(g.auth.AuthService.method.validateToken, { token: VALID_TOKEN })).valid).toBe(true);
    expect(s.seen.map((r) => r.cn)).toEqual(["client-1", "client-1"]);
    expect(new Set(s.seen.map((r) => r.peer)).size).toBe(1);
  });

  it("the tls option (PEM contents) wins over the definition's files", async () => {
    const s = await mtlsServer();
    const c = g.grpc.createGrpcServiceClient(definition(s.url, { tls: files() }), { env: {}, tls: { cert: pem("client-2.crt"), key: pem("client-2.key") } });
    cleanup.push(() => c.close());
    await c.unary(g.auth.AuthService.method.validateToken, { token: VALID_TOKEN });
    expect(s.seen.map((r) => r.cn)).toEqual(["client-2"]);
  });

  it("a combined client passes its tls option on to its gRPC client", async () => {
    const s = await mtlsServer();
    const c = g.auth.createAuthServiceClient({ env: {}, tls: { ...files(), certFile: fixture("client-2.crt"), keyFile: fixture("client-2.key") }, grpc: { baseUrl: s.url } });
    cleanup.push(() => c.close());
    expect((await c.grpc.authService.validateToken({ token: VALID_TOKEN })).valid).toBe(true);
    expect(s.seen.map((r) => r.cn)).toEqual(["client-2"]);
  });

  it("without a client certificate the server refuses the handshake: UNAVAILABLE with OpenSSL's alert, nothing run", async () => {
    const s = await mtlsServer();
    const c = g.grpc.createGrpcServiceClient(definition(s.url), { env: {}, tls: { caFile: fixture("ca.crt") } });
    cleanup.push(() => c.close());
    const error = await c.unary(g.auth.AuthService.method.validateToken, { token: VALID_TOKEN }).catch((e: unknown) => e);
    expect(g.grpc.isGrpcError(error), String(error)).toBe(true);
    // TLS 1.3: the client's side of the handshake is done before the server checks the certificate, so the alert
    // (116, certificate required) ends the open stream: a lost connection, UNAVAILABLE as grpc-go reports it (connect-es
    // alone says INTERNAL).
    expect((error as { status: string }).status, String(error)).toBe("UNAVAILABLE");
    expect(String(error)).toMatch(/alert certificate required/);
    expect(s.seen).toEqual([]);
  });

  it("a missing certificate file fails the connection (UNAVAILABLE, not sent), naming the file", async () => {
    const s = await mtlsServer();
    const c = g.grpc.createGrpcServiceClient(definition(s.url), { env: {}, tls: { caFile: fixture("ca.crt"), certFile: "/nonexistent/tls.crt", keyFile: "/nonexistent/tls.key" } });
    cleanup.push(() => c.close());
    const error = await c.unary(g.auth.AuthService.method.validateToken, { token: VALID_TOKEN }).catch((e: unknown) => e);
    // No stream was opened: UNAVAILABLE, as a connection failure (connect-es alone maps the ENOENT to INTERNAL).
    expect((error as { status: string }).status, String(error)).toBe("UNAVAILABLE");
    expect((error as { notProcessed: boolean }).notProcessed).toBe(true);
    expect(String(error)).toContain("no connection to");
    expect(String(error)).toContain("/nonexistent/tls.crt");
    expect(s.seen).toEqual([]);
  });

  it("a certificate rotated on disk is presented by the next connection (after the age cap retires the first)", async () => {
    const s = await mtlsServer();
    const mounted = mountedCert();
    cleanup.push(() => mounted.remove());
    const clock = new SteppedClock();
    const def = definition(s.url, { tls: { caFile: fixture("ca.crt"), certFile: mounted.cert, keyFile: mounted.key } });
    const c = g.grpc.createGrpcServiceClient(def, { env: {}, maxConnectionAgeMs: 5000 }, { clock });
    cleanup.push(() => c.close());
    await c.unary(g.auth.AuthService.method.validateToken, { token: VALID_TOKEN });
    mounted.rotateTo("client-2");
    await c.unary(g.auth.AuthService.method.validateToken, { token: VALID_TOKEN });
    // The only timer left is the connection's age cap (5 s ± 10 %): firing it retires the session.
    expect(clock.pending.map((t) => t.ms)).toHaveLength(1);
    expect(clock.fireNext()).toBeGreaterThanOrEqual(4500);
    await c.unary(g.auth.AuthService.method.validateToken, { token: VALID_TOKEN });
    expect(s.seen.map((r) => r.cn)).toEqual(["client-1", "client-1", "client-2"]);
    expect(s.seen[0]!.peer).toBe(s.seen[1]!.peer);
    expect(s.seen[2]!.peer).not.toBe(s.seen[1]!.peer);
  });
});
