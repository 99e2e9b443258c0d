// What a gRPC attempt's rejection means (classify): a status from the server, no stream at all, a local timeout, the
// call's deadline, a broken stream, the caller's abort or user middleware's own error. The chain's gRPC Protocol
// (protocol.ts) and the connect-es adapters read outcomes through it.
import { ConnectError } from "@connectrpc/connect";
import { AbortError, isConnectError as isSvcgenConnectError } from "../errors.js";
import type { AttemptRecord } from "../types.js";
import { GrpcError, metadataRecord } from "./errors.js";
import { lostConnection, wasNotSent } from "./transports.js";

/** How an attempt ended. Whether it is retried is the Protocol's verdict (protocol.ts). */
export type Outcome =
  | { readonly kind: "ok"; readonly header: Headers; readonly trailer: Headers }
  | {
      readonly kind: "failed";
      readonly error: GrpcError;
      /** What happened on the wire: a status from the server, no stream at all, a local timeout, a broken stream. */
      readonly how: "status" | "not_sent" | "attempt_timeout" | "deadline" | "reset";
      /** grpc-retry-pushback-ms: undefined when absent, null when present but not a non-negative integer. */
      readonly pushbackMs: number | null | undefined;
    }
  | { readonly kind: "aborted"; readonly error: AbortError }
  /** User middleware threw something that is not a transport outcome: the call ends with it, no verdict. */
  | { readonly kind: "rejected"; readonly error: unknown };

export type Failure = Exclude<Outcome, { kind: "ok" }>;

/** Middleware threw something that is not a transport outcome: the call ends with `error` as it is. */
export class MiddlewareRejection {
  constructor(readonly error: unknown) {}
}

const UNAVAILABLE = 14;

/** What classify needs of a call (protocol.ts contextOf). */
export interface ClassifyContext {
  readonly service: string;
  readonly operation: string;
  /** The caller's signal. */
  readonly signal: AbortSignal | undefined;
  readonly timeoutMs: number;
}

/**
 * What an attempt's rejection means. `limitedByAttempt`: the attempt's timeout was shorter than the deadline left.
 * `clientClosed`: close() cut the call, which stays connect-es's CANCELLED like the caller's own abort.
 */
export function classify(call: ClassifyContext, error: unknown, endpoint: string, limitedByAttempt: boolean, clientClosed: boolean): Failure {
  const context = { service: call.service, operation: call.operation, endpoint };
  if (call.signal?.aborted) return { kind: "aborted", error: new AbortError({ service: call.service, operation: call.operation, cause: call.signal.reason }) };
  const ce = ConnectError.from(error);
  // A status the server sent arrives with grpc-status in its metadata; the client library's own verdicts do not.
  const fromServer = ce.metadata.has("grpc-status");
  // svcgen's own ConnectError (thrown by user middleware) says the same: nothing was sent.
  const svcgenNotSent = !fromServer && isSvcgenConnectError(error);
  const notSent = svcgenNotSent || (!fromServer && wasNotSent(error));
  let how: "status" | "not_sent" | "attempt_timeout" | "deadline" | "reset";
  if (fromServer) how = "status";
  else if (notSent) how = "not_sent";
  else if (ce.code === 4) how = limitedByAttempt ? "attempt_timeout" : "deadline";
  else how = "reset";
  // A server that died or a connection that broke mid-call is UNAVAILABLE (as grpc-js and grpc-go say), whatever
  // connect-es called it: only the caller's signal (handled above) makes a call CANCELLED. The how stays "reset", so a
  // method that is not idempotent is still never sent again (the server may have run it).
  const lost = how === "reset" && !clientClosed && lostConnection(error);
  // A call that never reached a server (no connection, a refused stream) is UNAVAILABLE too, as grpc-js and grpc-go
  // report a connection failure, rather than whatever connect-es mapped the socket error to (a missing TLS file: INTERNAL).
  const code = lost || notSent ? UNAVAILABLE : ce.code;
  const message =
    how === "deadline"
      ? `deadline of ${call.timeoutMs} ms exceeded`
      : how === "attempt_timeout"
        ? `attempt timed out (${ce.rawMessage})`
        : lost
          ? `the connection was lost during the call (${ce.rawMessage})`
          : ce.rawMessage;
  const details: { type: string; value: Uint8Array }[] = [];
  for (const d of ce.details) if ("type" in d && d.value instanceof Uint8Array) details.push({ type: d.type, value: d.value });
  const grpcError = new GrpcError(code, message, metadataRecord(ce.metadata), details, { ...context, cause: error });
  const pushback = ce.metadata.get("grpc-retry-pushback-ms");
  return {
    kind: "failed",
    error: grpcError,
    how,
    pushbackMs: pushback === null ? undefined : /^\d{1,9}$/.test(pushback.trim()) ? Number(pushback.trim()) : null,
  };
}

const OK: AttemptRecord["outcome"] = Object.freeze({ kind: "status", status: 0 });

/** The attempt record's outcome: server answers carry the gRPC status code; 0 is OK. */
export function recordOutcome(outcome: Outcome): AttemptRecord["outcome"] {
  if (outcome.kind === "ok") return OK;
  if (outcome.kind === "aborted") return { kind: "error", code: outcome.error.code };
  if (outcome.kind === "rejected") {
    const code = (outcome.error as { code?: unknown } | null)?.code;
    return { kind: "error", code: typeof code === "string" ? code : "ERROR" };
  }
  switch (outcome.how) {
    case "status":
      return { kind: "status", status: outcome.error.statusCode };
    case "not_sent":
      return { kind: "connect" };
    case "attempt_timeout":
    case "deadline":
      return { kind: "timeout" };
    case "reset":
      return { kind: "reset" };
  }
}

