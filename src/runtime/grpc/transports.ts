// One connect-es gRPC transport per endpoint origin, each with its own HTTP/2 session, so the balancer chooses per
// call (one shared connection would pin every call to whichever pod it reached). As for HTTP (../pools.ts), a session
// is retired maxConnectionAgeMs (±10 %) after it was created and the next call opens a fresh one, so one long-lived
// HTTP/2 connection through a ClusterIP Service cannot pin every call to the pods that existed when it opened (the
// classic gRPC scale-up problem, grpc-node #2455). Retiring is graceful: calls in flight finish first. Each session manager is wrapped to
// tell two failures apart that connect-es reports alike (UNAVAILABLE): a request that never got a stream (no
// connection, nothing sent: safe to send elsewhere) and a failure after the stream opened (the server may have run
// the call). A session that cannot connect within connect_timeout_ms counts as the former.
import * as http2 from "node:http2";
import * as net from "node:net";
import { addAbortSignal } from "node:stream";
import * as tls from "node:tls";
import { Http2SessionManager, createGrpcTransport } from "@connectrpc/connect-node";
import type { Interceptor, Transport } from "@connectrpc/connect";
import { realClock, unrefTimer } from "../clock.js";
import type { Clock } from "../clock.js";
import { type ClientTls, connectTls } from "../tls.js";
import { bareHost } from "../endpoints.js";

const NOT_SENT: unique symbol = Symbol.for("svcgen.runtime.grpc.not-sent") as never;

/** The reason a request got no stream; carried as the cause of connect-es's ConnectError. */
class NotSentError extends Error {
  constructor(message: string, cause: unknown) {
    super(message);
    Object.defineProperty(this, "cause", { value: cause, writable: true, configurable: true }); // ES2020-lib safe
    this.name = "NotSentError";
    // connect-es classifies by the `code` of the chain; keep the original one visible.
    const code = (cause as { code?: unknown } | null)?.code;
    if (typeof code === "string") (this as { code?: string }).code = code;
    Object.defineProperty(this, NOT_SENT, { value: true });
  }
}

/** Did the request never reach a stream (so no server can have seen it)? Walks the error's cause chain. */
export function wasNotSent(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = error; typeof e === "object" && e !== null && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    if ((e as Record<symbol, unknown>)[NOT_SENT] === true) return true;
    // RFC 9113 §8.7: REFUSED_STREAM guarantees the stream was not processed.
    if ((e as { rawMessage?: unknown }).rawMessage !== undefined && String((e as { rawMessage: unknown }).rawMessage).includes("REFUSED_STREAM")) return true;
  }
  return false;
}

/**
 * Node's codes for a connection that went away under an open stream: the peer closed or reset the socket, or the
 * HTTP/2 session ended with an error (a GOAWAY with an error code, e.g. a server's forceShutdown).
 */
const CONNECTION_LOST = new Set([
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ERR_HTTP2_SESSION_ERROR",
  "ERR_HTTP2_GOAWAY_SESSION",
  "ERR_HTTP2_INVALID_SESSION",
  "ERR_HTTP2_STREAM_CANCEL",
  "ERR_STREAM_DESTROYED",
  "ERR_STREAM_PREMATURE_CLOSE",
]);

/**
 * Did the connection, not the server's answer, end a call whose stream was open? connect-node reports a dead server
 * three ways, none of them UNAVAILABLE: a socket closed under the stream is the stream's local rstCode CANCEL
 * (ConnectError Canceled, no cause), a reset socket is ECONNRESET (Aborted), a GOAWAY with an error code is
 * ERR_HTTP2_SESSION_ERROR (Internal). Canceled is only ever the caller's own abort otherwise, which the caller of
 * this function has ruled out (its signal did not fire, the client is open).
 */
export function lostConnection(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = error; typeof e === "object" && e !== null && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (code === 1 || (typeof code === "string" && CONNECTION_LOST.has(code))) return true;
    // A TLS alert from the peer (a client certificate refused): the connection ended under the stream.
    if (typeof code === "string" && code.startsWith("ERR_SSL_")) return true;
  }
  return false;
}

interface SessionLike {
  authority: string;
  request(method: string, path: string, headers: http2.OutgoingHttpHeaders, options: Omit<http2.ClientSessionRequestOptions, "signal">): Promise<http2.ClientHttp2Stream>;
  notifyResponseByteRead(stream: http2.ClientHttp2Stream): void;
}

class TrackedSession implements SessionLike {
  readonly authority: string;
  readonly #inner: Http2SessionManager;
  readonly #connectTimeoutMs: number;
  /** Requests waiting for a stream, plus streams opened and not yet closed. */
  #busy = 0;
  #draining = false;

  constructor(inner: Http2SessionManager, connectTimeoutMs: number) {
    this.#inner = inner;
    this.authority = inner.authority;
    this.#connectTimeoutMs = connectTimeoutMs;
  }

  request(method: string, path: string, headers: http2.OutgoingHttpHeaders, options: Omit<http2.ClientSessionRequestOptions, "signal">): Promise<http2.ClientHttp2Stream> {
    this.#busy++;
    const pending = this.#inner.request(method, path, headers, options).then(
      (stream) => this.#track(stream),
      (error: unknown) => {
        this.#done();
        throw error;
      },
    );
    // An open session answers at once; only a connection in progress needs the timer.
    const state = this.#inner.state();
    if (state === "open" || state === "idle" || !(this.#connectTimeoutMs > 0 && Number.isFinite(this.#connectTimeoutMs))) {
      return pending.catch((cause: unknown) => Promise.reject(new NotSentError(`no connection to ${this.authority}: ${messageOf(cause)}`, cause)));
    }
    return new Promise<http2.ClientHttp2Stream>((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        done = true;
        const cause = Object.assign(new Error(`connect timeout after ${this.#connectTimeoutMs} ms`), { code: "ETIMEDOUT" });
        reject(new NotSentError(`no connection to ${this.authority}: ${cause.message}`, cause));
      }, this.#connectTimeoutMs);
      pending.then(
        (stream) => {
          clearTimeout(timer);
          if (done) {
            // Nobody reads this stream: the reset's AbortError (resetUnended) must not go unhandled.
            stream.on("error", () => undefined);
            stream.close(http2.constants.NGHTTP2_CANCEL);
          } else resolve(stream);
        },
        (cause: unknown) => {
          clearTimeout(timer);
          if (!done) reject(new NotSentError(`no connection to ${this.authority}: ${messageOf(cause)}`, cause));
        },
      );
    });
  }

  notifyResponseByteRead(stream: http2.ClientHttp2Stream): void {
    this.#inner.notifyResponseByteRead(stream);
  }

  /** Stops at once: streams in flight fail. */
  close(): void {
    this.#inner.abort();
  }

  /** Closes once the streams in flight are done (no new ones are opened here: the owner forgot this session). */
  drain(): void {
    this.#draining = true;
    if (this.#busy === 0) this.#inner.abort();
  }

  #track(stream: http2.ClientHttp2Stream): http2.ClientHttp2Stream {
    stream.once("close", () => this.#done());
    stream.close = resetUnended;
    return stream;
  }

  #done(): void {
    this.#busy--;
    if (this.#draining && this.#busy === 0) this.#inner.abort();
  }
}

/**
 * Http2Stream.close(code), for every stream a session opens: connect-node closes a stream this way whenever the call
 * is abandoned (the caller's abort, the deadline, a request source that threw, a response it stopped reading). Node's
 * close() ends the writable side before it sends RST_STREAM, so a request stream idle between two messages went out
 * as an empty DATA frame with END_STREAM, then the reset: the server read a complete upload and could finish a
 * client-streaming call the caller had abandoned. While the request side has not finished, the stream is destroyed
 * with an AbortError instead: Node then sends RST_STREAM CANCEL and never ends the writable side (its destroy path
 * skips _final). A request already ended goes through Node's close() as before: nothing is left to withhold.
 */
function resetUnended(this: http2.ClientHttp2Stream, code?: number, callback?: () => void): void {
  const close = (Object.getPrototypeOf(this) as { close: (code?: number, callback?: () => void) => void }).close;
  if (this.closed || this.destroyed || this.writableFinished) {
    close.call(this, code, callback);
    return;
  }
  if (callback !== undefined) this.once("close", callback);
  // addAbortSignal destroys the stream with Node's own AbortError, the error its http2 maps to CANCEL (the same
  // path as the `signal` option of session.request()); an error of ours would be sent as INTERNAL_ERROR.
  addAbortSignal(ABORTED, this);
}

/** One signal, aborted once: addAbortSignal() on an aborted signal destroys the stream at once and keeps no listener. */
const ABORTED = AbortSignal.abort();

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A connection to the pod at `target`; over TLS the server name is the service's, as through the Service. */
function dial(target: URL, authority: string, nodeOptions: http2.ClientSessionOptions | http2.SecureClientSessionOptions | undefined, material?: ClientTls): net.Socket {
  const host = bareHost(target.hostname);
  const port = Number(target.port) || (target.protocol === "https:" ? 443 : 80);
  if (target.protocol !== "https:") return net.connect({ host, port });
  const name = new URL(`https://${authority}`).hostname;
  // SNI carries names only (RFC 6066); an address is checked against the certificate's IP entries without it.
  const servername = net.isIP(name.replace(/^\[|\]$/g, "")) === 0 ? name : undefined;
  const options: tls.ConnectionOptions = { ...(nodeOptions as tls.ConnectionOptions | undefined), host, port, ...(servername !== undefined ? { servername } : {}), ALPNProtocols: ["h2"] };
  return material !== undefined ? connectTls(options, material) : tls.connect(options);
}

/** Default cap on a session's age, ms (the vocabulary's, as the HTTP client's). */
export { DEFAULT_MAX_CONNECTION_AGE_MS } from "../vocabulary.js";

export interface TransportSettings {
  /** 0 or less: no cap. */
  readonly maxConnectionAgeMs: number;
  /** Path prefix of every call ("" for none), from a base URL with a path. */
  readonly basePath: string;
  readonly connectTimeoutMs: number;
  readonly nodeOptions: http2.ClientSessionOptions | http2.SecureClientSessionOptions | undefined;
  readonly interceptors: Interceptor[] | undefined;
  /** Largest response message read, bytes (connect-es `readMaxBytes`); a larger one fails with RESOURCE_EXHAUSTED. */
  readonly readMaxBytes: number;
  /**
   * `host:port` the calls should carry as `:authority` (and TLS server name) when endpoints are pod addresses
   * (headless discovery): the name a call through the Service would carry, for virtual hosting, TLS and meshes.
   */
  readonly authority?: string | undefined;
  /** The client's clock: age timers go through it (tests age connections on a virtual clock). Default: real time. */
  readonly clock?: Clock;
  /** mTLS material for TLS sessions (../tls.ts): wins over nodeOptions' ca/cert/key; rotated files reach new connections. */
  readonly tls?: ClientTls | undefined;
}

interface Entry {
  readonly transport: Transport;
  readonly session: TrackedSession;
  timer: unknown;
}

export class EndpointTransports {
  readonly #settings: TransportSettings;
  readonly #byOrigin = new Map<string, Entry>();
  readonly #clock: Clock;

  constructor(settings: TransportSettings) {
    this.#settings = settings;
    this.#clock = settings.clock ?? realClock;
  }

  /** The transport for `origin`, created on first use and after its age ran out (the connection opens with a call). */
  get(origin: string): Transport {
    const found = this.#byOrigin.get(origin);
    if (found !== undefined) return found.transport;
    const { nodeOptions, interceptors, connectTimeoutMs, basePath, maxConnectionAgeMs, authority, readMaxBytes } = this.#settings;
    const target = new URL(origin);
    // A pod address: the session is named after the service (its :authority) and dials the pod itself.
    const viaAuthority = authority !== undefined && authority !== target.host;
    const sessionUrl = viaAuthority ? `${target.protocol}//${authority}` : origin;
    // mTLS material is read per connection (rotated files reach new connections), so TLS sessions dial themselves too.
    const tlsMaterial = target.protocol === "https:" ? this.#settings.tls : undefined;
    const options = viaAuthority || tlsMaterial !== undefined ? { ...nodeOptions, createConnection: () => dial(target, viaAuthority ? authority : target.host, nodeOptions, tlsMaterial) } : nodeOptions;
    const session = new TrackedSession(new Http2SessionManager(sessionUrl, undefined, options), connectTimeoutMs);
    const transport = createGrpcTransport({ baseUrl: `${sessionUrl}${basePath}`, sessionManager: session, readMaxBytes, ...(interceptors !== undefined ? { interceptors } : {}) });
    const entry: Entry = { transport, session, timer: undefined };
    if (maxConnectionAgeMs > 0) {
      entry.timer = unrefTimer(this.#clock.setTimer(() => this.#expire(origin, entry), maxConnectionAgeMs * (0.9 + 0.2 * Math.random())));
    }
    this.#byOrigin.set(origin, entry);
    return transport;
  }

  /** The endpoint left the set: its connection closes once the calls in flight on it are done. */
  retire(origin: string): void {
    const entry = this.#byOrigin.get(origin);
    if (entry === undefined) return;
    this.#byOrigin.delete(origin);
    if (entry.timer !== undefined) this.#clock.clearTimer(entry.timer);
    entry.session.drain();
  }

  /** The client is closing: every connection goes now. */
  close(): void {
    for (const entry of this.#byOrigin.values()) {
      if (entry.timer !== undefined) this.#clock.clearTimer(entry.timer);
      entry.session.close();
    }
    this.#byOrigin.clear();
  }

  #expire(origin: string, entry: Entry): void {
    if (this.#byOrigin.get(origin) !== entry) return;
    this.#byOrigin.delete(origin);
    entry.session.drain();
  }
}
