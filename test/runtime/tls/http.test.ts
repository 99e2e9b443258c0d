// mTLS over HTTP against a real node:https server that requires a client certificate from the test CA: the files
// from services.toml (ServiceDefinition.tls) and the `tls` client option, a call without a certificate, and a
// certificate rotated on disk, which the next new connection presents while open connections keep theirs.
import { afterEach, describe, expect, it } from "vitest";
import { createServiceClientWith, isConnectError } from "../../../src/runtime/index.js";
import type { ClientOptions, ServiceClient, ServiceDefinition } from "../../../src/runtime/index.js";
import { op, service } from "../support/service.js";
import { HandClock, fixture, mountedCert, pem, replaceFile, startMtlsServer } from "./support.js";
import type { MtlsServer } from "./support.js";

const work = op("work", "GET", "/work");
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function server(): Promise<MtlsServer> {
  const s = await startMtlsServer();
  cleanup.push(() => s.close());
  return s;
}

function client(def: ServiceDefinition, options: ClientOptions = {}, clock = new HandClock()): ServiceClient {
  const c = createServiceClientWith(def, { env: {}, ...options }, { clock });
  cleanup.push(() => c.close());
  return c;
}

const noRetry = { retry: { maxAttempts: 1 } };

describe("mTLS over HTTP", () => {
  it("presents the certificate from services.toml's files (ServiceDefinition.tls)", async () => {
    const s = await server();
    const def: ServiceDefinition = { ...service(s.url), tls: { caFile: fixture("ca.crt"), certFile: fixture("client-1.crt"), keyFile: fixture("client-1.key") } };
    const c = client(def);
    await c.call(work, undefined);
    await c.call(work, undefined);
    expect(s.seen.map((r) => [r.cn, r.path])).toEqual([
      ["client-1", "/work"],
      ["client-1", "/work"],
    ]);
  });

  it("the tls option wins over the definition's files, field by field, and takes PEM contents", async () => {
    const s = await server();
    const def: ServiceDefinition = { ...service(s.url), tls: { caFile: fixture("ca.crt"), certFile: fixture("client-1.crt"), keyFile: fixture("client-1.key") } };
    const c = client(def, { tls: { cert: pem("client-2.crt").toString("utf8"), key: new Uint8Array(pem("client-2.key")) } });
    await c.call(work, undefined);
    expect(s.seen.map((r) => r.cn)).toEqual(["client-2"]);
  });

  it("verifies the server against server_name instead of the dialled address", async () => {
    const s = await server();
    const files = { caFile: fixture("ca.crt"), certFile: fixture("client-1.crt"), keyFile: fixture("client-1.key") };
    // The server certificate names localhost and 127.0.0.1 only.
    const wrong = client(service(s.url, noRetry), { tls: { ...files, serverName: "users-api.prod.svc.cluster.local" } });
    const error = await wrong.call(work, undefined).catch((e: unknown) => e);
    expect(isConnectError(error)).toBe(true);
    expect(String((error as Error).cause)).toContain("ERR_TLS_CERT_ALTNAME_INVALID");
    const right = client(service(s.url), { tls: { ...files, serverName: "localhost" } });
    await right.call(work, undefined);
    expect(s.seen.map((r) => r.cn)).toEqual(["client-1"]);
  });

  it("without a client certificate the server refuses the handshake and never sees the request", async () => {
    const s = await server();
    const c = client(service(s.url, noRetry), { tls: { caFile: fixture("ca.crt") } });
    const error = await c.call(work, undefined).catch((e: unknown) => e);
    expect(s.seen).toEqual([]);
    expect(s.refused).toBe(1);
    // TLS 1.3: the client finishes its side of the handshake before the server checks the certificate, so the
    // refusal (alert 116, certificate required) arrives after the request was handed to the socket.
    expect((error as { code?: string }).code, String(error)).toBe("SVCGEN_RESET");
  });

  it("a missing file fails the connection with a ConnectError naming the file, not the call's creation", async () => {
    const s = await server();
    const c = client(service(s.url, noRetry), { tls: { caFile: fixture("ca.crt"), certFile: "/nonexistent/tls.crt", keyFile: "/nonexistent/tls.key" } });
    const error = await c.call(work, undefined).catch((e: unknown) => e);
    expect(isConnectError(error)).toBe(true);
    expect(String((error as Error).cause)).toContain("/nonexistent/tls.crt");
    expect(s.seen).toEqual([]);
  });

  it("a certificate rotated on disk is presented by the next new connection after the once-a-second check", async () => {
    const s = await server();
    s.closeEach(true);
    const mounted = mountedCert();
    cleanup.push(() => mounted.remove());
    const clock = new HandClock();
    const def: ServiceDefinition = { ...service(s.url), tls: { caFile: fixture("ca.crt"), certFile: mounted.cert, keyFile: mounted.key } };
    const c = client(def, {}, clock);
    await c.call(work, undefined);
    mounted.rotateTo("client-2");
    // A new connection within the same second: the files are not looked at again.
    clock.advanceBy(999);
    await c.call(work, undefined);
    clock.advanceBy(1);
    await c.call(work, undefined);
    await c.call(work, undefined);
    expect(s.seen.map((r) => [r.connection, r.cn])).toEqual([
      [1, "client-1"],
      [2, "client-1"],
      [3, "client-2"],
      [4, "client-2"],
    ]);
  });

  it("a rotation caught half-way (new certificate, old key) keeps the last good pair until the key arrives", async () => {
    const s = await server();
    s.closeEach(true);
    const mounted = mountedCert();
    cleanup.push(() => mounted.remove());
    const clock = new HandClock();
    const def: ServiceDefinition = { ...service(s.url), tls: { caFile: fixture("ca.crt"), certFile: mounted.cert, keyFile: mounted.key } };
    const c = client(def, {}, clock);
    await c.call(work, undefined);
    replaceFile(mounted.cert, fixture("client-2.crt"));
    clock.advanceBy(1000);
    await c.call(work, undefined);
    replaceFile(mounted.key, fixture("client-2.key"));
    // Checked again a second after the failed attempt.
    clock.advanceBy(1000);
    await c.call(work, undefined);
    expect(s.seen.map((r) => r.cn)).toEqual(["client-1", "client-1", "client-2"]);
    expect(s.refused).toBe(0);
  });

  it("a cert without its key in the option is refused when the client is made", () => {
    expect(() => createServiceClientWith(service("https://127.0.0.1:1"), { env: {}, tls: { certFile: fixture("client-1.crt") } })).toThrow(
      "tls: a certificate needs its key",
    );
  });
});
