// The gRPC runtime's public surface. Generated gRPC clients import only from here; users may too
// (`<out>/runtime/grpc/index.js`). It needs the optional peer dependencies @bufbuild/protobuf, @connectrpc/connect and
// @connectrpc/connect-node; svcgen copies this folder only into outputs that have a gRPC service.
export { createGrpcServiceClient, inheritGrpcOptions } from "./client.js";
export type { GrpcRuntimeHooks, GrpcServiceClient } from "./client.js";
export { GrpcError, isGrpcError } from "./errors.js";
export { GRPC_STATUS_NAMES, statusName } from "./codes.js";
export type { GrpcStatusName } from "./codes.js";
export { MAX_GRPC_ATTEMPTS } from "../vocabulary.js";
// The one middleware shape of both clients (the HTTP runtime's index exports the same names).
export type { AttemptHandler, AttemptRequest, AttemptResponse, Middleware } from "../middleware.js";
export type { ClientStats, EndpointStats, TelemetryOptions } from "../types.js";
export type {
  GrpcCallOptions,
  GrpcClientDescription,
  GrpcClientOptions,
  GrpcHealthStatus,
  GrpcMethodSettings,
  GrpcResponseInfo,
  GrpcServiceDefinition,
} from "./types.js";
