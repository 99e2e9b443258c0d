// The connect-es transport adapter of the chain (../chain.ts): one unary attempt through the endpoint's connect-es
// transport (transports.ts). The attempt's limit travels as `grpc-timeout` (the attempt-timeout layer's "wire" mode:
// connect-es sends it and enforces it locally); a rejection leaves classified (protocol.ts attemptError), so the
// layers above read outcomes, never connect-es errors.
import { attemptError, contextOf } from "./protocol.js";
import type { DescMessage, DescMethodUnary, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { Transport } from "@connectrpc/connect";
import type { BaseCall, Handler } from "../chain.js";

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
