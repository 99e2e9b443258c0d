// mTLS without a mesh (issue 13): the CA, client certificate and key a client presents on new TLS connections, from
// services.toml's `tls` files (ServiceDefinition.tls) and the `tls` client option (PEM contents or files; it wins,
// field by field). Files are re-read when they change, as cert-manager and SPIFFE rotate them: when a new connection
// is made the files are stat'ed (at most once a second on the client's Clock) and, if one changed (mtime, size or
// inode: a Kubernetes secret volume swaps a symlink), read again into a new SecureContext. New connections use it;
// open ones keep theirs. A rotation caught half-way (a certificate that does not match the key yet) keeps the last
// good material and is tried again a second later. Only https origins and TLS gRPC use any of this.
import { readFileSync, statSync } from "node:fs";
import * as net from "node:net";
import * as tls from "node:tls";
import { buildConnector } from "undici";
import type { TlsOptions, TlsSettings } from "./auth/types.js";
import type { Clock } from "./clock.js";

/** How often files are checked for changes, at most (ms on the client's clock). */
export const TLS_RECHECK_MS = 1000;

type Pem = string | Uint8Array;

/** One PEM input: contents given directly (never change) or a file (watched). */
type Input = { readonly pem: Pem } | { readonly file: string };

interface Watched {
  readonly file: string;
  /** mtime:size:inode of the contents in use; "" before the first read. */
  stamp: string;
}

/** What a new connection uses. `version` changes whenever the context does. */
export interface TlsMaterial {
  readonly context: tls.SecureContext;
  readonly version: number;
}

function input(pem: Pem | undefined, file: string | undefined): Input | undefined {
  if (pem !== undefined) return { pem };
  if (file !== undefined) return { file };
  return undefined;
}

const stampOf = (file: string): string => {
  const s = statSync(file);
  return `${s.mtimeMs}:${s.size}:${s.ino}`;
};

export class ClientTls {
  /** SNI and the name the server certificate must carry, when not the dialled host's. */
  readonly serverName: string | undefined;
  readonly #inputs: { readonly ca?: Input; readonly cert?: Input; readonly key?: Input };
  readonly #watched: Watched[];
  readonly #clock: Clock;
  #material: TlsMaterial | undefined;
  #checkedAt = Number.NEGATIVE_INFINITY;

  constructor(settings: TlsSettings | undefined, option: TlsOptions | undefined, clock: Clock) {
    const ca = input(option?.ca, option?.caFile ?? settings?.caFile);
    const cert = input(option?.cert, option?.certFile ?? settings?.certFile);
    const key = input(option?.key, option?.keyFile ?? settings?.keyFile);
    if ((cert === undefined) !== (key === undefined)) {
      throw new TypeError(`tls: ${cert === undefined ? "a key needs a certificate" : "a certificate needs its key"} (cert/certFile with key/keyFile)`);
    }
    this.#inputs = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
    this.#watched = [ca, cert, key].flatMap((i) => (i !== undefined && "file" in i ? [{ file: i.file, stamp: "" }] : []));
    this.serverName = option?.serverName ?? settings?.serverName;
    this.#clock = clock;
  }

  /** The files in use (for describe()): paths only. */
  get files(): readonly string[] {
    return this.#watched.map((w) => w.file);
  }

  /**
   * The material for a new connection: files checked at most once per TLS_RECHECK_MS and read again when one
   * changed. Throws (with the file's path, never its contents) when no material could be loaded yet.
   */
  current(): TlsMaterial {
    const now = this.#clock.now();
    if (this.#material !== undefined && now - this.#checkedAt < TLS_RECHECK_MS) return this.#material;
    this.#checkedAt = now;
    try {
      const stamps = this.#watched.map((w) => stampOf(w.file));
      if (this.#material !== undefined && stamps.every((s, i) => s === this.#watched[i]!.stamp)) return this.#material;
      const context = tls.createSecureContext({ ...this.#read("ca"), ...this.#read("cert"), ...this.#read("key") });
      stamps.forEach((s, i) => (this.#watched[i]!.stamp = s));
      this.#material = { context, version: (this.#material?.version ?? 0) + 1 };
    } catch (error) {
      // Mid-rotation (a file missing, or a certificate not matching its key yet): keep what works, retry later.
      if (this.#material === undefined) throw tlsError(error);
    }
    return this.#material;
  }

  #read(name: "ca" | "cert" | "key"): Partial<Record<typeof name, string | Buffer>> {
    const source = this.#inputs[name];
    if (source === undefined) return {};
    if (!("pem" in source)) return { [name]: readFileSync(source.file) };
    const pem = source.pem;
    return { [name]: typeof pem === "string" || Buffer.isBuffer(pem) ? pem : Buffer.from(pem.buffer, pem.byteOffset, pem.byteLength) };
  }
}

/** A ClientTls when the definition or the option configures anything, else undefined (no cost at all). */
export function clientTls(settings: TlsSettings | undefined, option: TlsOptions | undefined, clock: Clock): ClientTls | undefined {
  const set = (o: object | undefined): boolean => o !== undefined && Object.values(o).some((v) => v !== undefined);
  return set(settings) || set(option) ? new ClientTls(settings, option, clock) : undefined;
}

/** Node's and OpenSSL's errors carry paths and codes, never PEM contents; the message says what was being loaded. */
function tlsError(cause: unknown): Error {
  const message = cause instanceof Error ? cause.message : String(cause);
  const error = new Error(`tls: cannot load the client TLS material: ${message}`);
  Object.defineProperty(error, "cause", { value: cause, writable: true, configurable: true });
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === "string") (error as { code?: string }).code = code;
  return error;
}

/**
 * An undici connector for the client's pools: https origins get the current material (a fresh connector, so a fresh
 * TLS session cache, whenever it changes: a resumed session would skip presenting the new certificate), plain http
 * origins the default connector.
 */
export function undiciConnector(material: ClientTls, timeoutMs: number): buildConnector.connector {
  const plain = buildConnector({ timeout: timeoutMs });
  let version = 0;
  let secure = plain;
  const serverName = material.serverName;
  return (options, callback) => {
    if (options.protocol !== "https:") return plain(options, callback);
    let current: TlsMaterial;
    try {
      current = material.current();
    } catch (error) {
      callback(error as Error, null);
      return;
    }
    if (current.version !== version) {
      secure = buildConnector({ timeout: timeoutMs, secureContext: current.context });
      version = current.version;
    }
    return secure(serverName !== undefined ? { ...options, servername: serverName } : options, callback);
  };
}

/**
 * A TLS connection (gRPC's HTTP/2 sessions) with the current material; `servername` is replaced when one is
 * configured. When no material can be loaded, the connection fails with that error while still connecting, so the
 * session reports it as a failure to connect. (It must be a socket that is connecting: node:http2 counts a socket
 * without a handle as connected at once, and connect-node then spins on the closed session.)
 */
export function connectTls(options: tls.ConnectionOptions, material: ClientTls): net.Socket {
  let current: TlsMaterial;
  try {
    current = material.current();
  } catch (error) {
    const socket = net.connect({ host: options.host ?? "localhost", port: options.port ?? 443 });
    process.nextTick(() => socket.destroy(error as Error));
    return socket;
  }
  const serverName = material.serverName;
  return tls.connect({ ...options, secureContext: current.context, ...(serverName !== undefined ? { servername: serverName } : {}) });
}
