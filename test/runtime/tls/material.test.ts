// ClientTls on its own: what it loads from where, and when it looks at the files again (on a hand-moved clock).
import { afterEach, describe, expect, it } from "vitest";
import { ClientTls, TLS_RECHECK_MS, clientTls } from "../../../src/runtime/tls.js";
import { HandClock, fixture, mountedCert, pem, replaceFile } from "./support.js";

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

function mounted() {
  const m = mountedCert();
  cleanup.push(() => m.remove());
  return m;
}

describe("ClientTls", () => {
  it("is not made when neither services.toml nor the option configures anything", () => {
    const clock = new HandClock();
    expect(clientTls(undefined, undefined, clock)).toBeUndefined();
    expect(clientTls({}, {}, clock)).toBeUndefined();
    expect(clientTls(undefined, { serverName: "users.internal" }, clock)?.serverName).toBe("users.internal");
  });

  it("takes each of ca, cert and key from the option's contents, else its file, else services.toml's file", () => {
    const settings = { caFile: fixture("ca.crt"), certFile: "/toml/tls.crt", keyFile: "/toml/tls.key", serverName: "a.internal" };
    const tls = new ClientTls(settings, { certFile: fixture("client-2.crt"), key: pem("client-2.key") }, new HandClock());
    // Only files are watched; contents never change.
    expect(tls.files).toEqual([fixture("ca.crt"), fixture("client-2.crt")]);
    expect(tls.serverName).toBe("a.internal");
    expect(tls.current().version).toBe(1);
  });

  it("looks at the files at most once a second, and loads them again only when one changed", () => {
    const m = mounted();
    const clock = new HandClock();
    const tls = new ClientTls({ caFile: fixture("ca.crt"), certFile: m.cert, keyFile: m.key }, undefined, clock);
    const first = tls.current();
    expect(first.version).toBe(1);
    clock.advanceBy(TLS_RECHECK_MS);
    expect(tls.current()).toBe(first);
    m.rotateTo("client-2");
    clock.advanceBy(TLS_RECHECK_MS - 1);
    expect(tls.current()).toBe(first);
    clock.advanceBy(1);
    const second = tls.current();
    expect(second.version).toBe(2);
    expect(second.context).not.toBe(first.context);
  });

  it("keeps the last good material while a rotation is half done, and throws only when there never was any", () => {
    const m = mounted();
    const clock = new HandClock();
    const tls = new ClientTls({ certFile: m.cert, keyFile: m.key }, undefined, clock);
    const first = tls.current();
    replaceFile(m.cert, fixture("client-2.crt"));
    clock.advanceBy(TLS_RECHECK_MS);
    expect(tls.current()).toBe(first);
    replaceFile(m.key, fixture("client-2.key"));
    clock.advanceBy(TLS_RECHECK_MS);
    expect(tls.current().version).toBe(2);

    const missing = new ClientTls({ certFile: "/nonexistent/tls.crt", keyFile: "/nonexistent/tls.key" }, undefined, clock);
    expect(() => missing.current()).toThrow("tls: cannot load the client TLS material: ENOENT");
    // Retried on every connection until it loads (no once-a-second wait without material).
    expect(() => missing.current()).toThrow("/nonexistent/tls.crt");
  });

  it("refuses a certificate without its key and a key without its certificate", () => {
    const clock = new HandClock();
    expect(() => new ClientTls(undefined, { cert: pem("client-1.crt") }, clock)).toThrow("tls: a certificate needs its key");
    expect(() => new ClientTls({ keyFile: "/k" }, undefined, clock)).toThrow("tls: a key needs a certificate");
  });
});
