// What the chain's layers need to know about a protocol, and nothing else (cockatiel's handleType/handleWhenResult
// split: the adapter says what an outcome is, the layers decide what to do about it). One object per client, carried
// on every Call: http-protocol.ts for undici, grpc/protocol.ts for connect-es. The layers (deadline, circuit, retry,
// pick, attempt timeout) never look at a status code, a header or an error class themselves.
import type { AttemptOutcome, Verdict } from "./classify.js";
import type { AttemptResult } from "./types.js";
import type { BaseCall, Exchange } from "./chain.js";

/** What a failed attempt means for the endpoint's breaker and the balancer. */
export interface ErrorFacts {
  /** What the balancer hears (`onResult`). */
  readonly kind: AttemptResult["kind"];
  /** The status the failure carries (a gRPC status the server sent), 0 for none. */
  readonly status: number;
  /** For breakers: true a failure, false a success, undefined no verdict (the caller's abort, a bug). */
  readonly failure: boolean | undefined;
  /** A timeout: a failure only when the endpoint answered nothing successfully meanwhile (CircuitBreaker.timedOut). */
  readonly timedOut: boolean;
}

/**
 * How an answer that resolved before it was over (a gRPC stream, committed at its first message) ended: "ok", its
 * error, or "abandoned" (the caller stopped reading: no verdict for anyone).
 */
export type Settlement = "ok" | "abandoned" | { readonly error: unknown };

/** `R` is what the transport resolves with (an HTTP answer of any status; a gRPC OK answer). */
export interface Protocol<R> {
  readonly name: "http" | "grpc";
  /** No call makes more attempts than this, whatever max_attempts says (gRPC: 5, gRFC A6; HTTP: Infinity). */
  readonly attemptCap: number;
  /** After rotations were spent, does the call end in EndpointsExhaustedError (HTTP's fail-over contract)? */
  exhausted(call: BaseCall, lastResponse: R | undefined, lastError: unknown): unknown;
  /** The answer's status for records and breakers (HTTP status; gRPC status code, OK = 0). */
  status(res: R): number;
  /** For breakers: does this status count as a failure. */
  statusIsFailure(status: number): boolean;
  /** The caller takes this answer as it is (a 2xx or an accepted status): spent rotations return it. */
  accepted(call: BaseCall, res: R): boolean;
  /**
   * The server's own pause before another attempt, ms: Retry-After, grpc-retry-pushback-ms. Undefined: none. (A
   * pause hint that forbids retrying is the verdict's business: "final".)
   */
  serverPause(exchange: Exchange<BaseCall>, res: R | undefined, error: unknown): number | undefined;
  /** How this attempt bears on the next (before limits, budget and deadline). */
  verdict(exchange: Exchange<BaseCall>, res: R | undefined, error: unknown, serverPause: number | undefined): Verdict;
  /** The attempt record's outcome of a failed attempt. */
  errorOutcome(error: unknown): AttemptOutcome;
  /** What a failed attempt means for breakers and the balancer. */
  errorFacts(error: unknown): ErrorFacts;
  /** The call's error says nothing about the service (the service breaker gives no verdict). */
  silent(error: unknown): boolean;
  /**
   * For an answer the transport resolved before it was over (a committed stream): when and how it ended. Breakers,
   * the balancer and the attempt record hear the attempt then, not at commit. Undefined (or absent): it is over.
   */
  settlement?(res: R): Promise<Settlement> | undefined;
  /** The call's deadline is spent (`beforeSending`: nothing was sent at all). */
  deadlineError(call: BaseCall, timeoutMs: number, beforeSending: boolean): unknown;
}
