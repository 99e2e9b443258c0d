// gRPC status codes by name (grpc/doc/statuscodes.md): services.toml and errors speak names, the wire speaks numbers.

// The names themselves are the policy vocabulary's (../vocabulary.ts), shared with services.toml.
import { GRPC_STATUS_NAMES } from "../vocabulary.js";
import type { GrpcStatusName } from "../vocabulary.js";

export { GRPC_STATUS_NAMES };
export type { GrpcStatusName };

/** The name of a status code; codes outside the table are UNKNOWN, as gRPC says. */
export function statusName(code: number): GrpcStatusName {
  return (GRPC_STATUS_NAMES as readonly GrpcStatusName[])[code] ?? "UNKNOWN";
}

export function statusCode(name: string): number {
  const code = (GRPC_STATUS_NAMES as readonly string[]).indexOf(name);
  return code < 0 ? 2 : code;
}

/**
 * Statuses that count against a circuit breaker, like an HTTP 5xx or 429: the service is failing or overloaded.
 * Answers about the request itself (INVALID_ARGUMENT, NOT_FOUND, UNIMPLEMENTED, ...) speak for a working service.
 */
export function statusIsFailure(code: number): boolean {
  return code === 2 || code === 4 || code === 8 || code === 13 || code === 14 || code === 15;
}
