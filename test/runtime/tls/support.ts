// The mTLS fixtures (test/fixtures/tls/mtls, test-only) and a node:https server that requires a client certificate
// signed by the test CA and records, per request, which certificate the connection presented.
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TLSSocket } from "node:tls";
import { fileURLToPath } from "node:url";
import type { Clock } from "../../../src/runtime/clock.js";

export const FIXTURES = fileURLToPath(new URL("../../fixtures/tls/mtls/", import.meta.url));
export const fixture = (name: string): string => path.join(FIXTURES, name);
export const pem = (name: string): Buffer => readFileSync(fixture(name));

export interface SeenTls {
  /** The client certificate's subject CN ("" when none was presented). */
  readonly cn: string;
  /** Which connection: 1 for the first the server accepted, 2 for the next, ... */
  readonly connection: number;
  readonly path: string;
}

export interface MtlsServer {
  readonly url: string;
  readonly seen: SeenTls[];
  /** Handshakes the server refused (no certificate, or not from the CA). */
  readonly refused: number;
  /** Answer with `connection: close`, so every request opens a new connection. */
  closeEach(on: boolean): void;
  close(): Promise<void>;
}

export async function startMtlsServer(): Promise<MtlsServer> {
  const seen: SeenTls[] = [];
  const connections = new WeakMap<TLSSocket, number>();
  let accepted = 0;
  let refused = 0;
  let closeEach = false;
  const server = https.createServer(
    { key: pem("server.key"), cert: pem("server.crt"), ca: pem("ca.crt"), requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      seen.push({ cn: String(socket.getPeerCertificate().subject?.CN ?? ""), connection: connections.get(socket) ?? 0, path: req.url ?? "" });
      res.setHeader("content-type", "application/json");
      if (closeEach) res.setHeader("connection", "close");
      res.end("{}");
    },
  );
  server.on("secureConnection", (socket: TLSSocket) => connections.set(socket, ++accepted));
  server.on("tlsClientError", () => refused++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    seen,
    get refused() {
      return refused;
    },
    closeEach: (on) => {
      closeEach = on;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Replaces `target` with a copy of `from` by renaming a new file over it, as a Kubernetes secret volume swaps its
 * files in (a new inode, so the change is seen whatever the file system's mtime resolution).
 */
export function replaceFile(target: string, from: string): void {
  const next = `${target}.next`;
  copyFileSync(from, next);
  renameSync(next, target);
}

/** A temporary folder holding client-1's certificate and key as tls.crt / tls.key (the cert-manager names). */
export function mountedCert(): { dir: string; cert: string; key: string; rotateTo(name: string): void; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "svcgen-mtls-"));
  const cert = path.join(dir, "tls.crt");
  const key = path.join(dir, "tls.key");
  const rotateTo = (name: string): void => {
    replaceFile(cert, fixture(`${name}.crt`));
    replaceFile(key, fixture(`${name}.key`));
  };
  rotateTo("client-1");
  return { dir, cert, key, rotateTo, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A clock the test moves by hand and whose timers never fire: these tests only need time to pass between
 * connections (the once-a-second file check); deadlines and age caps stay pending and close() clears them.
 */
export class HandClock implements Clock {
  #now = 0;
  readonly #timers = new Set<object>();
  now(): number {
    return this.#now;
  }
  setTimer(): unknown {
    const handle = {};
    this.#timers.add(handle);
    return handle;
  }
  clearTimer(handle: unknown): void {
    this.#timers.delete(handle as object);
  }
  advanceBy(ms: number): void {
    this.#now += ms;
  }
  get pendingTimers(): number {
    return this.#timers.size;
  }
}
