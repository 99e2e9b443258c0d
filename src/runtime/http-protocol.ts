// The HTTP side of the chain's Protocol (protocol.ts): statuses and Retry-After read from undici's answer, the
// runtime's own transport errors (ConnectError, ResetError, TimeoutError) classified by classify.ts, and the fail-over
// contract's EndpointsExhaustedError once rotations are spent (endpoint-failover-v1.json).
import { DeadlineExceededError, EndpointsExhaustedError, isAbortError, isConnectError, isDeadlineExceededError, isResetError, isSvcgenError, isTimeoutError } from "./errors.js";
import { errorIsFailure, errorOutcome, errorVerdict, finishError, statusIsFailure, statusVerdict } from "./classify.js";
import { retryAfterMs, toHttpError } from "./response.js";
import type { Call } from "./chain.js";
import type { ErrorFacts, Protocol } from "./protocol.js";
import type { TransportResponse } from "./response.js";
import type { AttemptResult, RetrySettings } from "./types.js";

/** `failoverRules`: rotation outcomes move to the next endpoint, default-retriable statuses retry in place. */
export function httpProtocol(settings: RetrySettings, failoverRules: boolean): Protocol<TransportResponse> {
  return {
    name: "http",
    attemptCap: Infinity,
    status: (res) => res.status,
    statusIsFailure,
    accepted(call, res) {
      const status = res.status;
      const accept = (call as Call).acceptStatus;
      return (status >= 200 && status < 300) || (accept !== undefined && accept.includes(status));
    },
    serverPause: (_exchange, res) => (res !== undefined && res.status >= 300 ? retryAfterMs(res.rawHeaders, Date.now()) : undefined),
    verdict(exchange, res, error, serverPause) {
      if (res === undefined) return errorVerdict(error, settings, failoverRules);
      const status = res.status;
      if (status >= 200 && status < 300) return "final";
      return statusVerdict(status, serverPause !== undefined, this.accepted(exchange.call, res), settings, failoverRules);
    },
    errorOutcome,
    errorFacts(error): ErrorFacts {
      const failure = errorIsFailure(error);
      const timedOut = isTimeoutError(error) || isDeadlineExceededError(error);
      const kind: AttemptResult["kind"] = isConnectError(error) ? "connect" : timedOut ? "timeout" : isResetError(error) ? "reset" : failure === undefined ? "cancelled" : "error";
      return { kind, status: 0, failure, timedOut };
    },
    silent: isAbortError,
    deadlineError: (call, timeoutMs) => new DeadlineExceededError(timeoutMs, { service: call.service, operation: call.op.id }),
    exhausted(call, lastResponse, lastError) {
      const records = call.attempts;
      const context = { service: call.service, operation: call.op.id };
      const last = lastResponse !== undefined ? toHttpError(lastResponse, { ...context, endpoint: records[records.length - 1]?.endpoint }) : lastError;
      if (!isSvcgenError(last)) return last;
      finishError(last, records);
      return new EndpointsExhaustedError(last, context);
    },
  };
}
