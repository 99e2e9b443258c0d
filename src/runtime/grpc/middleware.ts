// The connect-es adapter of the public middleware (../middleware.ts): each gRPC attempt goes to the user's
// middleware as an AttemptRequest (metadata in `headers`), and what comes back is the attempt's outcome:
//   - the server's answer is a response, `status` its name ("OK", "UNAVAILABLE", ...), never a rejection, so
//     middleware sees statuses as it does for HTTP; an unchanged answer passes through as connect-es gave it;
//   - a status the middleware made up becomes that status from the server (it is retried as such);
//   - a failure that is not an answer (no stream, a broken connection, a local timeout) stays a rejection;
//   - anything else the middleware throws ends the call as it is (MiddlewareRejection), except svcgen's ConnectError
//     ("nothing was sent"), which is classified as a request that never got a stream.
// Used only when middleware is configured (grpcMiddlewareLayer, innermost in the chain): without it the chain has no
// such layer.
import { Code, ConnectError } from "@connectrpc/connect";
import { composeMiddleware, WIRE } from "../middleware.js";
import { isConnectError } from "../errors.js";
import { statusCode, statusName } from "./codes.js";
import { metadataRecord } from "./errors.js";
import type { AttemptHandler, AttemptRequest, AttemptResponse, Middleware } from "../middleware.js";
import type { BaseCall, Layer } from "../chain.js";
import { attemptError, contextOf, rawOf } from "./protocol.js";
import { MiddlewareRejection } from "./attempt.js";
import { sourceFailure } from "./input.js";

/** What the middleware layer reads of a gRPC call. */
interface GrpcChainCall extends BaseCall {
  readonly headers: Readonly<Record<string, string>>;
}

/** What the layer sends for one attempt, given the signal and the metadata the middleware settled on. */
export type Send<T> = (signal: AbortSignal | undefined, headers: Record<string, string>) => Promise<T>;

interface Wire {
  readonly send: Send<{ readonly header: Headers }>;
  result: { readonly header: Headers } | undefined;
  /** The transport's rejection (a server status or a wire failure). */
  failure: unknown;
}
interface WireRequest extends AttemptRequest {
  readonly [WIRE]: Wire;
}
interface WireResponse extends AttemptResponse {
  readonly [WIRE]: Wire;
}

export { MiddlewareRejection };

const inner: AttemptHandler = async (req) => {
  const wire = (req as WireRequest)[WIRE];
  try {
    const result = await wire.send(req.signal, req.headers);
    wire.result = result;
    const res: WireResponse = { status: "OK", headers: metadataRecord(result.header), [WIRE]: wire };
    return res;
  } catch (error) {
    wire.failure = error;
    const ce = ConnectError.from(error);
    if (!ce.metadata.has("grpc-status")) throw error;
    const res: WireResponse = { status: statusName(ce.code), headers: metadataRecord(ce.metadata), [WIRE]: wire };
    return res;
  }
};

export type GrpcAttemptRunner = <T extends { readonly header: Headers }>(
  base: Omit<AttemptRequest, "protocol" | "headers" | "method" | "path">,
  headers: Readonly<Record<string, string>>,
  send: Send<T>,
  /** A result the middleware turned into a failure (an open stream): release it. */
  discard?: (result: T) => void,
) => Promise<T>;

/** Composes the middleware once; the runner takes one attempt through it. */
export function grpcMiddleware(middleware: readonly Middleware[]): GrpcAttemptRunner {
  const chain = composeMiddleware(middleware, inner);
  return async <T extends { readonly header: Headers }>(
    base: Omit<AttemptRequest, "protocol" | "headers" | "method" | "path">,
    headers: Readonly<Record<string, string>>,
    send: Send<T>,
    discard?: (result: T) => void,
  ): Promise<T> => {
    const wire: Wire = { send, result: undefined, failure: undefined };
    const req: WireRequest = { ...base, protocol: "grpc", headers: { ...headers }, [WIRE]: wire };
    let res: AttemptResponse;
    try {
      res = await chain(req);
    } catch (error) {
      if (wire.failure !== undefined && error === wire.failure) throw error;
      if (isConnectError(error)) throw error;
      throw new MiddlewareRejection(error);
    }
    const original = (res as Partial<WireResponse>)[WIRE] === wire ? wire : undefined;
    const status = typeof res.status === "number" ? statusName(res.status) : res.status;
    if (status === "OK") {
      if (original?.result !== undefined) return original.result as T;
      throw new MiddlewareRejection(new Error("middleware answered OK without calling next: a gRPC call needs the response message"));
    }
    if (original?.result !== undefined) discard?.(original.result as T);
    if (original !== undefined && original.failure !== undefined && statusName(ConnectError.from(original.failure).code) === status) throw original.failure;
    const code = statusCode(status);
    const metadata = new Headers(res.headers);
    metadata.set("grpc-status", String(code));
    throw new ConnectError(`middleware answered ${status}`, code === 0 ? Code.Unknown : (code as Code), metadata);
  };
}

/**
 * The chain's layer for unary calls, innermost before the connect-es transport (connect-transport.ts): the runner
 * above sees what connect-es rejected with (the transport's classified error carries it), and what the middleware
 * settles on is classified again on the way out, as the transport's own rejections are.
 */
export function grpcMiddlewareLayer<C extends GrpcChainCall, R extends { readonly header: Headers }>(
  middleware: readonly Middleware[],
  isClosed: () => boolean,
  /** An answer the middleware turned into a failure (an open stream): release it. */
  discard?: (res: R) => void,
): Layer<C, R> {
  const run = grpcMiddleware(middleware);
  return (next) => async (exchange) => {
    const call = exchange.call;
    const endpoint = exchange.endpoint!.origin;
    const base = { service: call.service, operation: call.op.id, attempt: exchange.attempt, endpoint, signal: exchange.signal };
    const send = (signal: AbortSignal | undefined, headers: Record<string, string>): Promise<R> => {
      exchange.signal = signal;
      exchange.headers = headers;
      return next(exchange).catch((error: unknown) => {
        // The request source's own error (connect-transport.ts streamError) reaches middleware as it is.
        throw error instanceof MiddlewareRejection ? error.error : rawOf(error);
      });
    };
    try {
      return await run(base, exchange.headers ?? call.headers, send, discard);
    } catch (error) {
      if (error instanceof MiddlewareRejection) throw error;
      if (error !== undefined && error === sourceFailure((call as { input?: unknown }).input)?.error) throw new MiddlewareRejection(error);
      throw attemptError(contextOf(call), error, endpoint, exchange.limitedByAttempt, isClosed());
    }
  };
}
