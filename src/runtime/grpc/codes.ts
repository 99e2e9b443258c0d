// gRPC status codes by name (grpc/doc/statuscodes.md): services.toml and errors speak names, the wire speaks numbers.

export type GrpcStatusName =
  | "OK"
  | "CANCELLED"
  | "UNKNOWN"
  | "INVALID_ARGUMENT"
  | "DEADLINE_EXCEEDED"
  | "NOT_FOUND"
  | "ALREADY_EXISTS"
  | "PERMISSION_DENIED"
  | "RESOURCE_EXHAUSTED"
  | "FAILED_PRECONDITION"
  | "ABORTED"
  | "OUT_OF_RANGE"
  | "UNIMPLEMENTED"
  | "INTERNAL"
  | "UNAVAILABLE"
  | "DATA_LOSS"
  | "UNAUTHENTICATED";

/** Index = status code. */
export const GRPC_STATUS_NAMES: readonly GrpcStatusName[] = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
];

/** The name of a status code; codes outside the table are UNKNOWN, as gRPC says. */
export function statusName(code: number): GrpcStatusName {
  return GRPC_STATUS_NAMES[code] ?? "UNKNOWN";
}

export function statusCode(name: string): number {
  const code = GRPC_STATUS_NAMES.indexOf(name as GrpcStatusName);
  return code < 0 ? 2 : code;
}

/**
 * Statuses that count against a circuit breaker, like an HTTP 5xx or 429: the service is failing or overloaded.
 * Answers about the request itself (INVALID_ARGUMENT, NOT_FOUND, UNIMPLEMENTED, ...) speak for a working service.
 */
export function statusIsFailure(code: number): boolean {
  return code === 2 || code === 4 || code === 8 || code === 13 || code === 14 || code === 15;
}
