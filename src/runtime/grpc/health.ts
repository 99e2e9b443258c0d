// grpc.health.v1.Health/Check (grpc/doc/health-checking.md): the standard health service every gRPC server can
// register. Embedded here as a protobuf-es file descriptor of the Check subset of grpc/health/v1/health.proto
// (serialised by svcgen's own proto loader), so health() needs no generated code.
import type { DescMethodUnary, Message } from "@bufbuild/protobuf";
import type { GenFile, GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import { fileDesc, messageDesc, serviceDesc } from "@bufbuild/protobuf/codegenv2";
import type { GrpcHealthStatus } from "./types.js";

const file_grpc_health_v1_health: GenFile = /*@__PURE__*/ fileDesc(
  "ChtncnBjL2hlYWx0aC92MS9oZWFsdGgucHJvdG8SDmdycGMuaGVhbHRoLnYxIiUKEkhlYWx0aENoZWNrUmVxdWVzdBIPCgdzZXJ2aWNlGAEgASgJIqkBChNIZWFsdGhDaGVja1Jlc3BvbnNlEkEKBnN0YXR1cxgBIAEoDjIxLmdycGMuaGVhbHRoLnYxLkhlYWx0aENoZWNrUmVzcG9uc2UuU2VydmluZ1N0YXR1cyJPCg1TZXJ2aW5nU3RhdHVzEgsKB1VOS05PV04QABILCgdTRVJWSU5HEAESDwoLTk9UX1NFUlZJTkcQAhITCg9TRVJWSUNFX1VOS05PV04QAzJfCgZIZWFsdGgSVQoFQ2hlY2sSIi5ncnBjLmhlYWx0aC52MS5IZWFsdGhDaGVja1JlcXVlc3QaIy5ncnBjLmhlYWx0aC52MS5IZWFsdGhDaGVja1Jlc3BvbnNlIgOQAgFiBnByb3RvMw==",
);

type HealthCheckRequest = Message<"grpc.health.v1.HealthCheckRequest"> & { service: string };
type HealthCheckResponse = Message<"grpc.health.v1.HealthCheckResponse"> & { status: number };

const HealthCheckRequestSchema: GenMessage<HealthCheckRequest> = /*@__PURE__*/ messageDesc(file_grpc_health_v1_health, 0);
const HealthCheckResponseSchema: GenMessage<HealthCheckResponse> = /*@__PURE__*/ messageDesc(file_grpc_health_v1_health, 1);

const Health: GenService<{
  check: { methodKind: "unary"; input: typeof HealthCheckRequestSchema; output: typeof HealthCheckResponseSchema };
}> = /*@__PURE__*/ serviceDesc(file_grpc_health_v1_health, 0);

/** `/grpc.health.v1.Health/Check`; NO_SIDE_EFFECTS, so retried like any idempotent call. */
export const healthCheck: DescMethodUnary<typeof HealthCheckRequestSchema, typeof HealthCheckResponseSchema> = Health.method.check;

const STATUS: readonly GrpcHealthStatus[] = ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"];

export function healthStatusName(status: number): GrpcHealthStatus {
  return STATUS[status] ?? "UNKNOWN";
}
