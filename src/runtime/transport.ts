// The innermost handler: one attempt through an undici Dispatcher. It uses undici's callback handler rather than
// `request()` so the hot path builds no Readable per response, and because `onConnect` tells us when the request is
// handed to a socket: an error before it proves nothing was written (ConnectError), an error after it may follow a
// processed request (ResetError). undici's own header/body timeouts are disabled per request: the attempt timeout and
// the deadline (this runtime's signals) decide.
import { ConnectError, RequestError, ResetError, TimeoutError } from "./errors.js";
import type { Dispatcher } from "undici";
import type { Exchange, Handler } from "./chain.js";
import type { TransportResponse } from "./response.js";

/** Errors undici raises before sending that mean the request itself (or the client) is at fault, not the network. */
const REQUEST_FAULTS = new Set(["UND_ERR_INVALID_ARG", "UND_ERR_DESTROYED", "UND_ERR_CLOSED", "UND_ERR_NOT_SUPPORTED", "ERR_INVALID_ARG_TYPE", "ERR_INVALID_URL"]);

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
  readonly #onAbort: (() => void) | undefined;

  constructor(exchange: Exchange, resolve: (res: TransportResponse) => void, reject: (error: unknown) => void) {
    this.#exchange = exchange;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#keepEmpty = exchange.call.op.response !== "empty";
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

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    if (status < 200) return true; // 1xx informational: the final answer follows
    this.#status = status;
    this.#rawHeaders = rawHeaders;
    // An `empty` 2xx answer is drained, not kept; every other body is kept (error bodies are decoded).
    this.#keep = this.#keepEmpty || status >= 300;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#keep) (this.#chunks ??= []).push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#cleanup();
    const chunks = this.#chunks;
    const body = chunks === undefined ? (this.#keep ? EMPTY : undefined) : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    this.#resolve({ status: this.#status, rawHeaders: this.#rawHeaders, body });
  }

  onError(error: Error): void {
    this.#fail(this.#classify(error));
  }

  #fail(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#cleanup();
    this.#reject(error);
  }

  #cleanup(): void {
    this.#exchange.cancel = undefined;
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
          path: request.path,
          method: request.method as Dispatcher.HttpMethod,
          headers: request.headers,
          body: (request.body ?? null) as NonNullable<Dispatcher.DispatchOptions["body"]> | null,
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        handler as unknown as Dispatcher.DispatchHandler,
      );
    });
}
