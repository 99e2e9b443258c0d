// RPC client semantic conventions for gRPC attempts, as @opentelemetry/instrumentation-grpc writes them (semconv
// 1.2x's RPC conventions): span `{rpc.service}/{rpc.method}` with `rpc.system` "grpc", `rpc.service` (the full
// service name), `rpc.method`, `rpc.grpc.status_code` (0 on success), `server.address`/`server.port`; every status
// but OK is an error (`error.type` its name). Durations go to `rpc.client.duration`, in milliseconds. (Semconv 1.38
// renamed these to `rpc.system.name`, `rpc.response.status_code` and `rpc.client.call.duration` in seconds; the
// older names are still what the gRPC instrumentation and most dashboards read.)
import type { Exchange } from "../chain.js";
import type { Endpoint } from "../endpoints.js";
import type { Attributes } from "../telemetry/api.js";
import type { DurationInstrument } from "../telemetry/client-telemetry.js";
import { errorType } from "../telemetry/layer.js";
import type { AttemptSemantics } from "../telemetry/layer.js";
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
    startAttributes(exchange: Exchange<C>, endpoint: Endpoint): Attributes {
      const call = exchange.call;
      const id = call.op.id;
      const slash = id.lastIndexOf("/");
      const host = endpoint.host;
      return {
        "rpc.system": "grpc",
        "rpc.service": id.slice(0, slash),
        "rpc.method": id.slice(slash + 1),
        "server.address": host.startsWith("[") ? host.slice(1, -1) : host,
        "server.port": endpoint.port,
        "svcgen.service": call.service,
        "svcgen.operation": id,
        "svcgen.attempt": call.attempts.length + 1,
        "svcgen.endpoint": endpoint.origin,
      };
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
    metricAttributes(start, end) {
      const attributes: Attributes = {
        "rpc.system": "grpc",
        "rpc.service": start["rpc.service"],
        "rpc.method": start["rpc.method"],
        "server.address": start["server.address"],
        "server.port": start["server.port"],
        "svcgen.service": start["svcgen.service"],
      };
      if (end["rpc.grpc.status_code"] !== undefined) attributes["rpc.grpc.status_code"] = end["rpc.grpc.status_code"];
      if (end["error.type"] !== undefined) attributes["error.type"] = end["error.type"];
      return attributes;
    },
  };
}
