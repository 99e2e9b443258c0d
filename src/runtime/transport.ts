// The innermost handler: one attempt through an undici Dispatcher. It uses undici's callback handler rather than
// `request()` so the hot path builds no Readable per response, and because `onConnect` tells us when the request is
// handed to a socket: an error before it proves nothing was written (ConnectError), an error after it may follow a
// processed request (ResetError). undici's own header/body timeouts are disabled per request: the attempt timeout and
// the deadline (this runtime's signals) decide.
// Bodies are bounded: a 2xx body past the call's maxResponseBytes (a Content-Length over it, or bytes as they come)
// aborts the request with ResponseTooLargeError, so an endless body cannot grow the heap; an error body is kept up to
// ERROR_BODY_LIMIT and the connection dropped there (the HttpError says `truncated`). A `stream` call resolves a 2xx
// answer at its headers with a ReadableStream that undici fills as the reader pulls (backpressure through resume).
import { ConnectError, RequestError, ResetError, ResponseTooLargeError, TimeoutError } from "./errors.js";
import { ERROR_BODY_LIMIT, headerValue } from "./response.js";
import type { Dispatcher } from "undici";
import type { Exchange, Handler } from "./chain.js";
import type { TransportResponse } from "./response.js";

/** Errors undici raises before sending that mean the request itself (or the client) is at fault, not the network. */
const REQUEST_FAULTS = new Set(["UND_ERR_INVALID_ARG", "UND_ERR_DESTROYED", "UND_ERR_CLOSED", "UND_ERR_NOT_SUPPORTED", "ERR_INVALID_ARG_TYPE", "ERR_INVALID_URL"]);

/** Queue of a streamed body before undici is paused: the reader's pace decides past that. */
const STREAM_HIGH_WATER = 64 * 1024;

class AttemptHandler {
  #resolve: (res: TransportResponse) => void;
  #reject: (error: unknown) => void;
  readonly #exchange: Exchange;
  readonly #keepEmpty: boolean;
  #abort: ((error?: Error) => void) | undefined;
  #written = false;
  #settled = false;
  #status = 0;
  #rawHeaders: readonly Buffer[] = NO_HEADERS;
  #chunks: Buffer[] | undefined;
  #keep = true;
  /** Bytes of this answer's body so far, and how many may come. */
  #received = 0;
  #cap = Infinity;
  #truncated = false;
  #resume: (() => void) | undefined;
  /** Set while a streamed body is being delivered. */
  #stream: ReadableStreamDefaultController<Uint8Array> | undefined;
  readonly #onAbort: (() => void) | undefined;

  constructor(exchange: Exchange, resolve: (res: TransportResponse) => void, reject: (error: unknown) => void) {
    this.#exchange = exchange;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#keepEmpty = exchange.call.op.response !== "empty" || exchange.call.stream;
    // The attempt-timeout layer's cheap path: same as an abort, without an AbortSignal.
    exchange.cancel = (reason: unknown): void => {
      this.#fail(reason);
      this.#abort?.(reason as Error);
    };
    const signal = exchange.signal;
    if (signal !== undefined) {
      // Settle first: undici's abort calls onError synchronously, which must not re-classify our own reason.
      this.#onAbort = () => {
        this.#fail(signal.reason);
        this.#endStream(signal.reason);
        this.#abort?.(signal.reason as Error);
      };
      signal.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  onConnect(abort: (error?: Error) => void): void {
    this.#written = true;
    this.#abort = abort;
    if (this.#settled) abort(new Error("attempt already settled"));
  }

  onHeaders(status: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (status < 200) return true; // 1xx informational: the final answer follows
    this.#status = status;
    this.#rawHeaders = rawHeaders;
    this.#resume = resume;
    const ok = status < 300;
    // An `empty` 2xx answer is drained, not kept; every other body is kept (error bodies are decoded).
    this.#keep = this.#keepEmpty || !ok;
    this.#cap = ok ? this.#exchange.call.maxResponseBytes : ERROR_BODY_LIMIT;
    if (ok) {
      const length = headerValue(rawHeaders, "content-length");
      if (length !== undefined && Number(length) > this.#cap) {
        this.#tooLarge();
        return false;
      }
      if (this.#exchange.call.stream) this.#startStream();
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    const stream = this.#stream;
    if (stream !== undefined) {
      stream.enqueue(chunk);
      return (stream.desiredSize ?? 0) > 0;
    }
    this.#received += chunk.length;
    if (this.#received > this.#cap) {
      if (this.#status < 300) {
        this.#tooLarge();
        return false;
      }
      // An error body: keep its start, answer now, and drop the connection rather than read the rest.
      if (this.#keep) (this.#chunks ??= []).push(chunk.subarray(0, chunk.length - (this.#received - this.#cap)));
      this.#truncated = true;
      this.onComplete();
      this.#abort?.(new Error("error body past the limit"));
      return false;
    }
    if (this.#keep) (this.#chunks ??= []).push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.#stream !== undefined) {
      this.#endStream(undefined);
      return;
    }
    if (this.#settled) return;
    this.#settled = true;
    this.#cleanup();
    const chunks = this.#chunks;
    const body = chunks === undefined ? (this.#keep ? EMPTY : undefined) : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    this.#resolve(this.#truncated ? { status: this.#status, rawHeaders: this.#rawHeaders, body, truncated: true } : { status: this.#status, rawHeaders: this.#rawHeaders, body });
  }

  onError(error: Error): void {
    const classified = this.#classify(error);
    this.#fail(classified);
    this.#endStream(classified);
  }

  #fail(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#cleanup();
    this.#reject(error);
  }

  #tooLarge(): void {
    const call = this.#exchange.call;
    const context = { service: call.service, operation: call.op.id, endpoint: this.#exchange.endpoint?.origin };
    const error = new ResponseTooLargeError(call.maxResponseBytes, this.#status, context);
    this.#fail(error);
    this.#abort?.(error);
  }

  /** A streamed 2xx answer: resolve now; the body follows through the stream, paced by its reader. */
  #startStream(): void {
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#stream = controller;
        },
        pull: () => {
          const resume = this.#resume;
          resume?.();
        },
        cancel: (reason) => {
          this.#stream = undefined;
          this.#release();
          this.#abort?.(reason instanceof Error ? reason : new Error("response stream cancelled"));
        },
      },
      new ByteLengthQueuingStrategy({ highWaterMark: STREAM_HIGH_WATER }),
    );
    this.#settled = true;
    // The deadline and the attempt timeout no longer apply (the caller reads at its own pace); the caller's signal does.
    this.#exchange.cancel = undefined;
    this.#resolve({ status: this.#status, rawHeaders: this.#rawHeaders, body: undefined, stream });
  }

  /** Ends a streamed body: closed when `error` is undefined, errored otherwise. */
  #endStream(error: unknown): void {
    const stream = this.#stream;
    if (stream === undefined) return;
    this.#stream = undefined;
    this.#release();
    if (error === undefined) stream.close();
    else stream.error(error);
  }

  #cleanup(): void {
    this.#exchange.cancel = undefined;
    // A streamed body keeps listening to the caller's signal until it ends.
    if (this.#stream === undefined) this.#release();
  }

  #release(): void {
    if (this.#onAbort !== undefined) this.#exchange.signal?.removeEventListener("abort", this.#onAbort);
  }

  #classify(error: Error): unknown {
    const call = this.#exchange.call;
    const context = { service: call.service, operation: call.op.id, endpoint: this.#exchange.endpoint?.origin, cause: error };
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && REQUEST_FAULTS.has(code)) return new RequestError(`request refused before sending: ${error.message}`, context);
    if (!this.#written) return new ConnectError(context);
    if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") return new TimeoutError(0, context);
    return new ResetError(context);
  }
}

const EMPTY = Buffer.alloc(0);
const NO_HEADERS: readonly Buffer[] = [];

/** `dispatcher`: one Dispatcher for every origin (the caller's), or the client's per-origin pools. */
export function undiciTransport(dispatcher: Dispatcher | ((origin: string) => Dispatcher)): Handler {
  const forOrigin = typeof dispatcher === "function" ? dispatcher : () => dispatcher;
  return (exchange) =>
    new Promise<TransportResponse>((resolve, reject) => {
      const signal = exchange.signal;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const request = exchange.call.request;
      const handler = new AttemptHandler(exchange, resolve, reject);
      const origin = exchange.endpoint!.origin;
      forOrigin(origin).dispatch(
        {
          origin,
          path: exchange.path ?? request.path,
          method: request.method as Dispatcher.HttpMethod,
          headers: exchange.headers ?? request.headers,
          body: (request.body ?? null) as NonNullable<Dispatcher.DispatchOptions["body"]> | null,
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        handler as unknown as Dispatcher.DispatchHandler,
      );
    });
}
