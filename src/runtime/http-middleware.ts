// The HTTP adapter of the public middleware (middleware.ts): a chain layer, innermost before the transport, that
// hands each attempt to the user's middleware as an AttemptRequest and turns what comes back into the transport
// response the outer layers classify. Built only when middleware is configured: without it the chain has no such
// layer and the hot path allocates nothing for it.
import { composeMiddleware, WIRE } from "./middleware.js";
import { headerRecord } from "./response.js";
import type { AttemptRequest, AttemptResponse, Middleware } from "./middleware.js";
import type { Exchange, Handler, Layer } from "./chain.js";
import type { TransportResponse } from "./response.js";

interface WireRequest extends AttemptRequest {
  readonly [WIRE]: Exchange;
}
interface WireResponse extends AttemptResponse {
  readonly [WIRE]: TransportResponse;
}

const EMPTY = Buffer.alloc(0);

export function httpMiddlewareLayer(middleware: readonly Middleware[]): Layer {
  return (next: Handler) => {
    const inner = async (req: AttemptRequest): Promise<AttemptResponse> => {
      const exchange = (req as WireRequest)[WIRE];
      exchange.headers = req.headers;
      const res = await next(exchange);
      const out: WireResponse = { status: res.status, headers: headerRecord(res.rawHeaders), [WIRE]: res };
      return out;
    };
    const chain = composeMiddleware(middleware, inner);
    return async (exchange) => {
      const call = exchange.call;
      const req: WireRequest = {
        service: call.service,
        operation: call.op.id,
        protocol: "http",
        attempt: exchange.attempt,
        endpoint: exchange.endpoint?.origin ?? "",
        signal: exchange.signal,
        headers: { ...(exchange.headers ?? call.request.headers) },
        method: call.request.method,
        path: exchange.path ?? call.request.path,
        [WIRE]: exchange,
      };
      const res = await chain(req);
      return transportResponse(res);
    };
  };
}

/** What the middleware returned, as the transport would have: unchanged answers pass as they are. */
function transportResponse(res: AttemptResponse): TransportResponse {
  const original = (res as Partial<WireResponse>)[WIRE];
  const status = typeof res.status === "number" ? res.status : Number(res.status);
  if (original !== undefined && original.status === status) return original;
  // A streamed body nobody will read: release its connection.
  if (original?.stream !== undefined) void original.stream.cancel().catch(() => undefined);
  const rawHeaders: string[] = [];
  const headers = res.headers ?? {};
  for (const name of Object.keys(headers)) rawHeaders.push(name, headers[name]!);
  return { status: Number.isInteger(status) ? status : 500, rawHeaders, body: original?.body ?? EMPTY };
}
