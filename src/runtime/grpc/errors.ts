// GrpcError: a call that ended in a non-OK gRPC status, whether the server sent it or the client concluded it (a
// refused connection is UNAVAILABLE, a spent deadline DEADLINE_EXCEEDED). It is an SvcgenError with a stable code and
// a Symbol.for brand, so isGrpcError works across two copies of the runtime; the caller's own abort stays an
// AbortError and an open breaker a CircuitOpenError, as in the HTTP runtime.
import { SvcgenError } from "../errors.js";
import type { ErrorContext } from "../errors.js";
import type { GrpcStatusName } from "./codes.js";
import { statusName } from "./codes.js";

/** Response metadata that belongs to the protocol, not to the application: left out of GrpcError.metadata. */
const PROTOCOL_HEADERS = new Set([
  "content-type",
  "date",
  "grpc-status",
  "grpc-message",
  "grpc-status-details-bin",
  "grpc-encoding",
  "grpc-accept-encoding",
]);

/** Lower-case metadata without the protocol's own headers; repeated keys joined with `, `. */
export function metadataRecord(headers: Headers | undefined, into: Record<string, string> = {}): Record<string, string> {
  if (headers === undefined) return into;
  headers.forEach((value, key) => {
    if (!PROTOCOL_HEADERS.has(key)) into[key] = into[key] === undefined ? value : `${into[key]}, ${value}`;
  });
  return into;
}

export class GrpcError extends SvcgenError {
  static readonly CODE = "SVCGEN_GRPC";
  /** The status name, e.g. `UNAVAILABLE`. */
  readonly status: GrpcStatusName;
  /** The status code, e.g. 14. */
  readonly statusCode: number;
  /** The status message as the server (or the client library) gave it. */
  readonly grpcMessage: string;
  /** Response headers and trailers (lower-case names), without the protocol's own. */
  readonly metadata: Readonly<Record<string, string>>;
  /** google.rpc.Status details from `grpc-status-details-bin`: type URL and encoded message. */
  readonly details: readonly { readonly type: string; readonly value: Uint8Array }[];

  constructor(
    statusCode: number,
    grpcMessage: string,
    metadata: Readonly<Record<string, string>>,
    details: readonly { readonly type: string; readonly value: Uint8Array }[],
    context: ErrorContext = {},
  ) {
    const status = statusName(statusCode);
    const where = context.service === undefined ? "" : context.operation === undefined ? `${context.service}: ` : `${context.service} ${context.operation}: `;
    const from = context.endpoint !== undefined ? ` from ${context.endpoint}` : "";
    super(GrpcError.CODE, `${where}gRPC ${status}${from}${grpcMessage !== "" ? `: ${grpcMessage}` : ""}`, context);
    this.name = "GrpcError";
    this.status = status;
    this.statusCode = statusCode;
    this.grpcMessage = grpcMessage;
    this.metadata = metadata;
    this.details = details;
  }
}

/** A brand check: true for a GrpcError from any copy of the runtime. */
export function isGrpcError(value: unknown): value is GrpcError {
  return value instanceof GrpcError;
}
