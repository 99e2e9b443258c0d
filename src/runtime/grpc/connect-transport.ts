// The connect-es transport adapters of the chain (../chain.ts): one unary or streaming attempt through the endpoint's
// connect-es transport (transports.ts). The attempt's limit travels as `grpc-timeout` (the attempt-timeout layer's "wire" mode:
// connect-es sends it and enforces it locally); a rejection leaves classified (protocol.ts attemptError), so the
// layers above read outcomes, never connect-es errors.
import { attemptError, contextOf } from "./protocol.js";
import { MiddlewareRejection } from "./attempt.js";
import { sourceFailure } from "./input.js";
import type { DescMessage, DescMethodStreaming, DescMethodUnary, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { Transport } from "@connectrpc/connect";
import type { BaseCall, Handler } from "../chain.js";
import type { Settlement } from "../protocol.js";

/** One unary gRPC call as the chain carries it. */
export interface GrpcUnaryCall extends BaseCall {
  readonly method: DescMethodUnary<DescMessage, DescMessage>;
  readonly input: MessageInitShape<DescMessage>;
  /** Request metadata, lower-case names (middleware may hand an attempt its own copy: Exchange.headers). */
  readonly headers: Readonly<Record<string, string>>;
}

/** A unary call's OK answer. */
export interface UnaryAnswer {
  readonly message: MessageShape<DescMessage>;
  readonly header: Headers;
  readonly trailer: Headers;
}

export function connectUnaryTransport(transportFor: (origin: string) => Transport, isClosed: () => boolean): Handler<GrpcUnaryCall, UnaryAnswer> {
  return async (exchange) => {
    const call = exchange.call;
    const origin = exchange.endpoint!.origin;
    const limit = exchange.limitMs;
    try {
      return await transportFor(origin).unary(call.method, exchange.signal, Number.isFinite(limit) ? Math.ceil(limit) : undefined, exchange.headers ?? call.headers, call.input);
    } catch (error) {
      throw attemptError(contextOf(call), error, origin, exchange.limitedByAttempt, isClosed());
    }
  };
}

/** One streaming gRPC call (server, client or bidi) as the chain carries it. */
export interface GrpcStreamCall extends BaseCall {
  readonly method: DescMethodStreaming<DescMessage, DescMessage>;
  /** The request messages (one for a server stream); a request stream is read by connect-es as it sends. */
  readonly input: AsyncIterable<MessageInitShape<DescMessage>>;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * A stream's answer at commit: its first message (or its end) arrived, so no other attempt will be made; the caller
 * reads the rest and says how it ended (finish), which is when breakers, the balancer and the attempt record hear it
 * (Protocol.settlement).
 */
export class StreamAnswer {
  readonly header: Headers;
  /** Filled by connect-es as the stream ends. */
  readonly trailer: Headers;
  readonly first: IteratorResult<MessageShape<DescMessage>>;
  readonly rest: AsyncIterator<MessageShape<DescMessage>>;
  readonly settled: Promise<Settlement>;
  #resolve!: (settlement: Settlement) => void;
  readonly #controller: AbortController;
  readonly #release: () => void;

  constructor(header: Headers, trailer: Headers, first: IteratorResult<MessageShape<DescMessage>>, rest: AsyncIterator<MessageShape<DescMessage>>, controller: AbortController, release: () => void) {
    this.header = header;
    this.trailer = trailer;
    this.first = first;
    this.rest = rest;
    this.#controller = controller;
    this.#release = release;
    this.settled = new Promise((resolve) => (this.#resolve = resolve));
  }

  /** Ends the stream on the wire (the caller stopped reading, or middleware turned it into a failure). */
  cancel(reason: unknown): void {
    this.#controller.abort(reason);
  }

  finish(settlement: Settlement): void {
    this.#release();
    this.#resolve(settlement);
  }
}

/**
 * One streaming attempt: resolves once the stream is committed (its first message or its end arrived) and rejects,
 * classified, before that. Its own AbortController, linked to the attempt's signal, lets a caller that stops reading
 * cancel the stream on the wire. The deadline travels as `grpc-timeout` and bounds the whole stream.
 */
export function connectStreamTransport(transportFor: (origin: string) => Transport, isClosed: () => boolean): Handler<GrpcStreamCall, StreamAnswer> {
  return async (exchange) => {
    const call = exchange.call;
    const origin = exchange.endpoint!.origin;
    const limit = exchange.limitMs;
    const signal = exchange.signal;
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal?.reason);
    const release = (): void => signal?.removeEventListener("abort", onAbort);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const res = await transportFor(origin).stream(call.method, controller.signal, Number.isFinite(limit) ? Math.ceil(limit) : undefined, exchange.headers ?? call.headers, call.input);
      const iterator = res.message[Symbol.asyncIterator]();
      const first = await iterator.next();
      return new StreamAnswer(res.header, res.trailer, first, iterator, controller, release);
    } catch (error) {
      release();
      controller.abort();
      throw streamError(call, error, origin, isClosed());
    }
  };
}

/**
 * A streaming attempt's rejection, classified; when the caller's request source threw and that ended the attempt
 * (connect-es reports it as UNKNOWN, caused by the source's error), the call ends with the source's own error and no
 * verdict: no retry, no evidence against the endpoint or the service. The stream was reset (transports.ts).
 */
export function streamError(call: GrpcStreamCall, error: unknown, origin: string, clientClosed: boolean): unknown {
  const failed = sourceFailure(call.input);
  if (failed !== undefined && !call.callerSignal?.aborted && causedBy(error, failed.error)) return new MiddlewareRejection(failed.error);
  return attemptError(contextOf(call), error, origin, false, clientClosed);
}

function causedBy(error: unknown, cause: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = error; !seen.has(e); e = (e as { cause?: unknown }).cause) {
    if (e === cause) return true;
    if (typeof e !== "object" || e === null) return false;
    seen.add(e);
  }
  return false;
}
