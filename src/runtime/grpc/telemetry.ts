// RPC client semantic conventions for gRPC attempts, as @opentelemetry/instrumentation-grpc writes them (semconv
// 1.2x's RPC conventions): span `{rpc.service}/{rpc.method}` with `rpc.system` "grpc", `rpc.service` (the full
// service name), `rpc.method`, `rpc.grpc.status_code` (0 on success), `server.address`/`server.port`; every status
// but OK is an error (`error.type` its name). Durations go to `rpc.client.duration`, in milliseconds. (Semconv 1.38
// renamed these to `rpc.system.name`, `rpc.response.status_code` and `rpc.client.call.duration` in seconds; the
// older names are still what the gRPC instrumentation and most dashboards read.)
import type { Exchange } from "../chain.js";
import { bareHost, type Endpoint } from "../endpoints.js";
import type { Attributes } from "../telemetry/api.js";
import type { DurationInstrument } from "../telemetry/client-telemetry.js";
import { errorType } from "../telemetry/layer.js";
import type { AttemptSemantics, FixedAttributes } from "../telemetry/layer.js";
import { statusName } from "./codes.js";
import type { GrpcStreamCall, GrpcUnaryCall } from "./connect-transport.js";
import { isGrpcError } from "./errors.js";
import { MiddlewareRejection } from "./attempt.js";

export const GRPC_DURATION: DurationInstrument = {
  name: "rpc.client.duration",
  unit: "ms",
  description: "Measures the duration of outbound RPC.",
  perMs: 1,
};

export function grpcSemantics<C extends GrpcUnaryCall | GrpcStreamCall, R>(): AttemptSemantics<C, R> {
  return {
    spanName: (call) => call.op.id,
    fixedAttributes(call: C, endpoint: Endpoint): FixedAttributes {
      const id = call.op.id;
      const slash = id.lastIndexOf("/");
      const address = bareHost(endpoint.host);
      const service = id.slice(0, slash);
      const method = id.slice(slash + 1);
      return {
        // svcgen.attempt is the attempt's (startAttributes): held here so every attempt's attributes keep this order.
        span: {
          "rpc.system": "grpc",
          "rpc.service": service,
          "rpc.method": method,
          "server.address": address,
          "server.port": endpoint.port,
          "svcgen.service": call.service,
          "svcgen.operation": id,
          "svcgen.attempt": undefined,
          "svcgen.endpoint": endpoint.origin,
        },
        metric: { "rpc.system": "grpc", "rpc.service": service, "rpc.method": method, "server.address": address, "server.port": endpoint.port, "svcgen.service": call.service },
      };
    },
    startAttributes(exchange: Exchange<C>, fixed: Attributes): Attributes {
      const attributes: Attributes = { ...fixed };
      attributes["svcgen.attempt"] = exchange.call.attempts.length + 1;
      return attributes;
    },
    headers: (exchange) => exchange.headers ?? exchange.call.headers,
    callHeaders: (call) => call.headers,
    // The chain resolves only with OK answers (a committed stream is OK so far).
    answered(_res, end) {
      end["rpc.grpc.status_code"] = 0;
      return false;
    },
    failed(error, end) {
      const inner = error instanceof MiddlewareRejection ? error.error : error;
      if (isGrpcError(inner)) {
        end["rpc.grpc.status_code"] = inner.statusCode;
        end["error.type"] = statusName(inner.statusCode);
      } else end["error.type"] = errorType(inner);
    },
  };
}
