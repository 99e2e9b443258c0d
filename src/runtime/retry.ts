// Retry layer: attempt counting, pauses, the retry budget, and failover rotation (endpoint-failover-v1.json).
//   - Only calls safe to send twice are re-sent (Call.retryable); max_attempts counts every send. An attempt that
//     provably reached no server (a connect failure) is re-sent for every method with a replayable body: nothing was
//     processed, so a POST without a key is as safe to send again as a GET.
//   - The budget counts every call and is charged for re-sends after an attempt that reached a server; a re-send
//     after a connect failure is free: the failed attempt put no load on anything, and refusing it would turn one
//     dead pod into failed calls.
//   - A rotation moves to the next endpoint at once; after a full cycle of rotations (set size in a row) the call
//     pauses: the smallest Retry-After if every rotation in the cycle carried one, else backoff(k), k = pauses + 1.
//     A same-endpoint retry resets the cycle and pauses the same way. Outside failover a cycle is one attempt, so
//     every re-send pauses.
//   - A pause that would reach the deadline is not taken; a spent deadline sends nothing more.
//   - Budget spent: after at least one rotation, what the protocol says (HTTP: EndpointsExhaustedError with the
//     trace; an accepted status is returned instead); otherwise the last outcome as it is.
//   - What an outcome means (its verdict, the server's pause, the attempt cap, the deadline's error) is the call's
//     Protocol's (protocol.ts): the same loop runs HTTP (undici) and gRPC (connect-es) attempts.
import { AbortError, isAbortError, isCircuitOpenError, isCredentialError, isDeadlineExceededError, isNoEndpointsError, isSvcgenError } from "./errors.js";
import { finishError } from "./classify.js";
import { backoffPause, fitsBefore } from "./backoff.js";
import { sleep } from "./clock.js";
import type { AttemptOutcome, Verdict } from "./classify.js";
import type { BaseCall, Exchange, Layer, MutableAttemptRecord } from "./chain.js";
import type { Clock } from "./clock.js";
import type { RetryBudget } from "./budget.js";
import type { EventSink } from "./events.js";
import type { Protocol } from "./protocol.js";
import type { RetrySettings } from "./types.js";
import type { ClientCounters } from "./stats.js";

export interface RetryLayerOptions {
  readonly settings: RetrySettings;
  /** Failover rules: rotation outcomes move to the next endpoint, default-retriable statuses retry in place. */
  readonly failoverRules: boolean;
  readonly clock: Clock;
  /** Jitter draws in [0, 1); called once per computed pause under full jitter only. */
  readonly random: () => number;
  readonly budget: RetryBudget | undefined;
  readonly events: EventSink;
  /** The client's counters (stats.ts): re-sends, rotations, budget refusals. */
  readonly counters?: ClientCounters | undefined;
}

interface Resend {
  readonly kind: "rotation" | "retry";
  readonly endpoint: string;
  readonly reason: AttemptOutcome;
  readonly pauseMs: number;
}

/** The last outcome as it is: the response, or the error stamped with the trace. */
function raw<R>(records: BaseCall["attempts"], lastResponse: R | undefined, lastError: unknown): R {
  if (lastResponse !== undefined) return lastResponse;
  throw finishError(lastError, records);
}

/** Budget spent: after a rotation, what the protocol says (HTTP: EndpointsExhaustedError; an accepted status is returned instead). */
function spent<R>(call: BaseCall, lastResponse: R | undefined, lastError: unknown, lastAccepted: boolean): R {
  const records = call.attempts;
  if (!records.some((r) => r.rotated)) return raw(records, lastResponse, lastError);
  if (lastResponse !== undefined && lastAccepted) return lastResponse;
  const error = (call.protocol as Protocol<R>).exhausted(call, lastResponse, lastError);
  if (error === undefined) return raw(records, lastResponse, lastError);
  throw finishError(error, records);
}

/** An outcome in a word for span events: the status, or what went wrong. */
function reasonOf(outcome: AttemptOutcome): string {
  return outcome.kind === "status" ? String(outcome.status) : outcome.kind === "error" ? outcome.code : outcome.kind;
}

const ABANDONED: AttemptOutcome = Object.freeze({ kind: "error", code: AbortError.CODE });

export function retryLayer<C extends BaseCall, R>(options: RetryLayerOptions): Layer<C, R> {
  const { settings, failoverRules, clock, random, budget, events, counters } = options;
  const configured = Math.max(1, Math.floor(settings.maxAttempts));

  return (next) => async (outer) => {
    const call = outer.call;
    const protocol = call.protocol as Protocol<R>;
    const route = call.route;
    const records = call.attempts;
    const { signal, deadlineAt } = outer;
    let moveOn = false;
    const maxAttempts = Math.min(configured, protocol.attemptCap);
    // A call that is not retryable may still be re-sent after attempts that reached no server (replayable body only).
    const limit = call.retryable || call.replayable ? maxAttempts : 1;
    let now = clock.now();
    budget?.deposit(now);

    let pauses = 0;
    let streak = 0;
    // Smallest Retry-After over the rotations of the current cycle; null once one lacked it; undefined before any.
    let cycleRetryAfter: number | null | undefined;
    let pending: Resend | undefined;
    let lastResponse: R | undefined;
    let lastError: unknown;
    let lastAccepted = false;

    for (let n = 1; ; n++) {
      if (n > 1) now = clock.now();
      if (now >= deadlineAt) {
        if (n === 1) throw finishError(protocol.deadlineError(call, call.timeoutMs, false), records);
        return spent(call, lastResponse, lastError, lastAccepted);
      }
      if (pending !== undefined) {
        if (pending.kind === "rotation") records[records.length - 1]!.rotated = true;
        announce(call, pending, n);
        pending = undefined;
      }

      // Every field present from the start: one object shape for every attempt. Where it goes next is said here,
      // forward, rather than by steering the route.
      const exchange: Exchange<C> = { call, signal, deadlineAt, attempt: n, moveOn, endpoint: undefined, limitMs: Infinity, limitedByAttempt: false, headers: undefined, path: undefined, cancel: undefined, redirects: undefined };
      const started = now;
      let res: R | undefined;
      let error: unknown;
      try {
        res = await next(exchange);
      } catch (e) {
        error = callerAbort(call, e);
      }
      if (res === undefined && (isCircuitOpenError(error) || isNoEndpointsError(error) || isCredentialError(error))) throw finishError(error, records); // nothing was sent

      const record: MutableAttemptRecord = {
        endpoint: exchange.endpoint?.origin ?? "",
        outcome: res !== undefined ? { kind: "status", status: protocol.status(res) } : protocol.errorOutcome(error),
        pauseMs: 0,
        durationMs: clock.now() - started,
        retriable: false,
        rotated: false,
      };
      if (exchange.redirects !== undefined) record.redirects = exchange.redirects;
      records.push(record);
      if (events.wants("attempt", call.onEvent)) {
        events.emit("attempt", { type: "attempt", service: call.service, operation: call.op.id, attempt: n, endpoint: record.endpoint, outcome: record.outcome, durationMs: record.durationMs }, call.onEvent);
      }

      if (res !== undefined) {
        lastAccepted = protocol.accepted(call, res);
        const settled = protocol.settlement?.(res);
        // A committed stream: no more attempts; its record says how it ended once it is over.
        if (settled !== undefined) {
          void settled.then((s) => {
            record.durationMs = clock.now() - started;
            if (s !== "ok") record.outcome = s === "abandoned" ? ABANDONED : protocol.errorOutcome(s.error);
          });
          return res;
        }
      } else if (isAbortError(error)) throw finishError(error, records);
      // The server's own pause (Retry-After, grpc-retry-pushback-ms). (The failover balancer's sticky preference hears
      // the same verdict through its onResult.)
      const retryAfter = protocol.serverPause(exchange, res, error);
      const verdict: Verdict = protocol.verdict(exchange, res, error, retryAfter);
      lastResponse = res;
      lastError = error;

      if (verdict === "final") return raw(records, lastResponse, lastError);
      record.retriable = true;
      // Only a connect failure proves no server saw the request (a 421 was read by one: the fixture keeps it final).
      const unsent = record.outcome.kind === "connect";
      if (!call.retryable && !unsent) return raw(records, lastResponse, lastError);
      if (isDeadlineExceededError(error) || n >= limit) return spent(call, lastResponse, lastError, lastAccepted);

      // Decide when the next attempt goes out, or stop.
      const rotation = verdict === "rotate" && route.size > 1;
      let serverPause: number | undefined;
      let cycleEnds: boolean;
      if (verdict === "rotate") {
        streak++;
        cycleRetryAfter = cycleRetryAfter === undefined ? (retryAfter ?? null) : cycleRetryAfter === null || retryAfter === undefined ? null : Math.min(cycleRetryAfter, retryAfter);
        // The set may change between attempts (discovery): the cycle is its size now.
        cycleEnds = streak % (failoverRules ? Math.max(1, route.size) : 1) === 0;
        serverPause = cycleRetryAfter ?? undefined;
      } else {
        streak = 0;
        cycleRetryAfter = undefined;
        cycleEnds = true;
        serverPause = retryAfter;
      }
      let pause = 0;
      if (cycleEnds) {
        pause = serverPause ?? backoffPause(settings, pauses + 1, settings.jitter === "full" ? random() : 0);
        if (!fitsBefore(pause, deadlineAt - clock.now())) return spent(call, lastResponse, lastError, lastAccepted);
      }
      if (budget !== undefined && !unsent && !budget.tryWithdraw(clock.now())) {
        if (counters !== undefined) counters.budgetRefusals++;
        call.trace?.span.addEvent("svcgen.retry_budget_exhausted", { "svcgen.attempt": records.length, "svcgen.endpoint": record.endpoint });
        if (events.wants("budget_exhausted", call.onEvent)) {
          events.emit("budget_exhausted", { type: "budget_exhausted", service: call.service, operation: call.op.id, attempt: n, endpoint: record.endpoint }, call.onEvent);
        }
        return spent(call, lastResponse, lastError, lastAccepted);
      }
      if (cycleEnds) {
        pauses++;
        cycleRetryAfter = undefined;
      }
      record.pauseMs = pause;
      pending = { kind: rotation ? "rotation" : "retry", endpoint: record.endpoint, reason: record.outcome, pauseMs: pause };
      if (counters !== undefined) {
        counters.retries++;
        if (rotation) counters.rotations++;
      }
      // Said when decided, so the pause shows on the call's span between this event and the next attempt's span.
      call.trace?.span.addEvent(rotation ? "svcgen.rotation" : "svcgen.retry", { "svcgen.attempt": records.length, "svcgen.endpoint": record.endpoint, "svcgen.reason": reasonOf(record.outcome), "svcgen.pause_ms": pause });
      moveOn = verdict === "rotate";
      if (pause > 0) {
        try {
          await sleep(clock, pause, signal);
        } catch (e) {
          throw finishError(callerAbort(call, e), records);
        }
      }
    }
  };

  /** The caller's signal fired: whatever the inner layer rejected with, the call ends in an AbortError. */
  function callerAbort(call: BaseCall, error: unknown): unknown {
    const caller = call.callerSignal;
    if (caller === undefined || !caller.aborted || isAbortError(error)) return error;
    if (isSvcgenError(error) && (error as { cause?: unknown }).cause !== caller.reason && error !== caller.reason) return error;
    return new AbortError({ service: call.service, operation: call.op.id, cause: caller.reason });
  }

  function announce(call: BaseCall, resend: Resend, attempt: number): void {
    if (!events.wants(resend.kind, call.onEvent)) return;
    const base = { service: call.service, operation: call.op.id, reason: resend.reason, attempt, pauseMs: resend.pauseMs };
    if (resend.kind === "rotation") events.emit("rotation", { type: "rotation", ...base, left: resend.endpoint }, call.onEvent);
    else events.emit("retry", { type: "retry", ...base, endpoint: resend.endpoint }, call.onEvent);
  }
}
