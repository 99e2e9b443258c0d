// What counts as what, kept apart from how the layers react (cockatiel's handleType / handleWhenResult split).
import { isConnectError, isDeadlineExceededError, isResetError, isSvcgenError, isTimeoutError } from "./errors.js";
import type { AttemptRecord, RetrySettings } from "./types.js";

export type AttemptOutcome = AttemptRecord["outcome"];

/**
 * How an attempt bears on the next: `final` ends the call; `rotate` wants another try on the next endpoint (with
 * one endpoint, or outside failover, that is a retry after a pause); `same` wants another try on the same endpoint.
 */
export type Verdict = "final" | "rotate" | "same";

/** Statuses a server uses to say "try again later" (423 only when it says when). */
export function retriableByDefault(status: number, hasRetryAfter: boolean): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504 || (status === 423 && hasRetryAfter);
}

/**
 * A status answer. Listed statuses (retryOnStatus) rotate, checked before `accepted`. Under failover rules
 * (endpoint-failover-v1.json) an unaccepted status retriable by default retries the same endpoint even when not
 * listed; otherwise only listed statuses are retried.
 */
export function statusVerdict(status: number, hasRetryAfter: boolean, accepted: boolean, settings: RetrySettings, failoverRules: boolean): Verdict {
  if (status >= 200 && status < 300) return "final";
  if (settings.retryOnStatus.includes(status)) return "rotate";
  if (failoverRules && !accepted && retriableByDefault(status, hasRetryAfter)) return "same";
  return "final";
}

/**
 * A transport failure. Connect failures and attempt timeouts rotate when enabled. A reset after the request was
 * written may have been processed: under failover rules it is never retried; otherwise it is retried like a connect
 * failure, and only ever for a call that is safe to send twice (the retry layer checks that first).
 */
export function errorVerdict(error: unknown, settings: RetrySettings, failoverRules: boolean): Verdict {
  if (isConnectError(error)) return settings.retryOnConnect ? "rotate" : "final";
  if (isTimeoutError(error) || isDeadlineExceededError(error)) return settings.retryOnTimeout ? "rotate" : "final";
  if (isResetError(error)) return !failoverRules && settings.retryOnConnect ? "rotate" : "final";
  return "final";
}

export function errorOutcome(error: unknown): AttemptOutcome {
  if (isConnectError(error)) return { kind: "connect" };
  if (isTimeoutError(error) || isDeadlineExceededError(error)) return { kind: "timeout" };
  if (isResetError(error)) return { kind: "reset" };
  if (isSvcgenError(error)) return { kind: "error", code: error.code };
  const code = (error as { code?: unknown } | null)?.code;
  return { kind: "error", code: typeof code === "string" ? code : "ERROR" };
}

/** Only a connect failure and a 421 Misdirected Request prove the endpoint did not process the request. */
export function provesNotProcessed(outcome: AttemptOutcome): boolean {
  return outcome.kind === "connect" || (outcome.kind === "status" && outcome.status === 421);
}

/** For breakers: 5xx and 429 are failures, every other status (4xx included) is a success. */
export function statusIsFailure(status: number): boolean {
  return status >= 500 || status === 429;
}

/** For breakers: transport failures count; undefined means "no verdict" (caller abort, open breaker, bugs). */
export function errorIsFailure(error: unknown): boolean | undefined {
  if (isConnectError(error) || isResetError(error) || isTimeoutError(error) || isDeadlineExceededError(error)) return true;
  return undefined;
}

/** Stamps a runtime error with the call's attempts and whether no endpoint can have processed it. */
export function finishError<E>(error: E, attempts: readonly AttemptRecord[]): E {
  if (isSvcgenError(error)) {
    error.attempts = attempts;
    error.notProcessed = attempts.every((a) => provesNotProcessed(a.outcome));
  }
  return error;
}
