// The policies around every gRPC STREAMING call (unary calls run through the shared chain, client.ts), the same ones
// the HTTP client applies:
//   - deadline: one budget over every attempt and pause; what is left goes out as `grpc-timeout` with each attempt
//     (connect-es sends it and enforces it locally);
//   - per-attempt timeout (attempt_timeout_ms) for unary calls; streams are bounded by the deadline alone;
//   - retries with backoff, jitter and the retry budget, at most min(max_attempts, 5) attempts (gRPC's cap):
//       * a call that never reached a stream (no connection, REFUSED_STREAM) when retry_on has "connect";
//       * a status named in grpc_retry_on, an attempt timeout ("timeout" in retry_on) or a broken stream, only for
//         methods declared NO_SIDE_EFFECTS or IDEMPOTENT (or `idempotent` in services.toml): the server may have run
//         the call;
//       * grpc-retry-pushback-ms from the server replaces the backoff (a negative or bad value stops retrying);
//       * a streamed call only until its first response message (then it is committed), and a streamed request
//         only while none of it was read;
//   - the service's circuit breaker, one verdict per call outside the retries (as HTTP's circuit.ts); endpoint
//     breakers and the balancer per attempt, through attempt.ts and the shared EndpointChooser (choose.ts).
import { AbortError, CircuitOpenError, RequestError } from "../errors.js";
import { callVerdict, record } from "../circuit.js";
import type { CircuitBreaker } from "../breaker.js";
import { statusIsFailure } from "./codes.js";
import { MAX_GRPC_ATTEMPTS } from "../vocabulary.js";
import { backoffPause, fitsBefore } from "../backoff.js";
import { nextMacrotask, sleep } from "../clock.js";
import { CallRoute } from "../route.js";
import type { RetryBudget } from "../budget.js";
import type { DescMessage, DescMethodStreaming, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { Transport } from "@connectrpc/connect";
import type { RetrySettings } from "../types.js";
import { GrpcError, metadataRecord } from "./errors.js";
import type { AttemptParts, Failure, GrpcCall, MutableRecord, Outcome, Slot } from "./attempt.js";
import { acquire, classify, emitAttempt, finish, recordOutcome, settle } from "./attempt.js";
import type { GrpcCallOptions, GrpcMethodSettings } from "./types.js";
import { MiddlewareRejection } from "./middleware.js";
import type { GrpcAttemptRunner } from "./middleware.js";

export { MAX_GRPC_ATTEMPTS };

export interface EngineParts extends AttemptParts {
  readonly service: string;
  /** The service's breaker: one verdict per call, outside the retries (as the HTTP circuit layer, circuit.ts). */
  readonly serviceBreaker: CircuitBreaker | undefined;
  readonly retry: RetrySettings;
  /** Status codes retried for idempotent methods. */
  readonly retryOn: ReadonlySet<number>;
  readonly timeoutMs: number;
  /** services.toml's per-method overrides, by `auth.v1.AuthService/IssueToken`. */
  readonly methods: ReadonlyMap<string, GrpcMethodSettings>;
  readonly attemptTimeoutMs: number | undefined;
  readonly budget: RetryBudget | undefined;
  readonly random: () => number;
  /** Client metadata, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly transportFor: (origin: string) => Transport;
  /** User middleware (GrpcClientOptions.middleware), composed once; undefined when none is configured. */
  readonly middleware: GrpcAttemptRunner | undefined;
  readonly isClosed: () => boolean;
}

type AnyMethod = { readonly name: string; readonly parent: { readonly typeName: string }; readonly idempotency: number };

/** What a method's calls share: its name in errors and events, and its policy after services.toml's overrides. */
export interface MethodPolicy {
  readonly operation: string;
  /** The chain's `Call.op`, one per method. */
  readonly op: { readonly id: string };
  readonly idempotent: boolean;
  readonly timeoutMs: number;
}

export class GrpcEngine {
  readonly #p: EngineParts;
  readonly #limit: number;
  /** Per method descriptor, built on its first call. */
  readonly #methods = new Map<AnyMethod, MethodPolicy>();

  constructor(parts: EngineParts) {
    this.#p = parts;
    this.#limit = Math.max(1, Math.min(MAX_GRPC_ATTEMPTS, Math.floor(parts.retry.maxAttempts)));
  }

  /** The method's policy after services.toml's overrides (built on its first call). */
  policy(method: AnyMethod): MethodPolicy {
    let policy = this.#methods.get(method);
    if (policy === undefined) this.#methods.set(method, (policy = this.#policyOf(method)));
    return policy;
  }

  /** Starts a call: the deadline, the metadata, a route for the balancer. Throws when nothing may be sent. */
  begin(method: AnyMethod, options: GrpcCallOptions | undefined): GrpcCall {
    const p = this.#p;
    const policy = this.policy(method);
    const operation = policy.operation;
    if (p.isClosed()) throw new RequestError("the client is closed", { service: p.service, operation });
    const signal = options?.signal;
    if (signal?.aborted) throw new AbortError({ service: p.service, operation, cause: signal.reason });
    const timeoutMs = options?.timeoutMs ?? policy.timeoutMs;
    // The client's metadata object is shared by calls that add none (connect-es copies it into its own Headers).
    let headers = p.headers;
    const own = options?.headers;
    if (own !== undefined) {
      headers = { ...p.headers };
      for (const name of Object.keys(own)) (headers as Record<string, string>)[name.toLowerCase()] = own[name]!;
    }
    const call: GrpcCall = {
      service: p.service,
      operation,
      idempotent: policy.idempotent,
      replayable: true,
      timeoutMs,
      deadlineAt: Number.isFinite(timeoutMs) ? p.clock.now() + Math.max(0, timeoutMs) : Infinity,
      signal,
      headers,
      route: new CallRoute(operation, headers, p.set),
      records: [],
      onEvent: options?.onEvent,
      wantsRecords: options?.onResponse !== undefined,
      last: undefined,
    };
    if (!(timeoutMs > 0)) {
      throw finish(new GrpcError(4, `deadline of ${Math.max(0, timeoutMs || 0)} ms exceeded before sending`, {}, [], { service: p.service, operation }), call);
    }
    p.budget?.deposit(p.clock.now());
    return call;
  }

  #policyOf(method: AnyMethod): MethodPolicy {
    const operation = `${method.parent.typeName}/${method.name}`;
    const own = this.#p.methods.get(operation);
    return {
      operation,
      op: { id: operation },
      // idempotency_level: 0 is IDEMPOTENCY_UNKNOWN; NO_SIDE_EFFECTS and IDEMPOTENT may both be sent again.
      idempotent: own?.idempotent ?? method.idempotency !== 0,
      timeoutMs: own?.timeoutMs ?? this.#p.timeoutMs,
    };
  }

  /** Server streaming (one request) and bidi/client streaming (a request stream): the response messages. */
  async *stream<I extends DescMessage, O extends DescMessage>(
    method: DescMethodStreaming<I, O>,
    input: AsyncIterable<MessageInitShape<I>>,
    options: GrpcCallOptions | undefined,
    tracker: { readonly started: boolean } | undefined,
  ): AsyncGenerator<MessageShape<O>, void, undefined> {
    let call: GrpcCall;
    let seen: number;
    try {
      call = this.begin(method, options);
      seen = this.#admit(call);
    } catch (error) {
      return await failLater(error);
    }
    // undefined until the call ended: a consumer that stops early gives the service breaker no verdict.
    let failed: boolean | undefined;
    try {
      yield* this.#streamAttempts(method, input, options, tracker, call);
      failed = false;
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      if (failed === undefined) this.#p.serviceBreaker?.release();
      else this.#judge(call, failed, seen);
    }
  }

  async *#streamAttempts<I extends DescMessage, O extends DescMessage>(
    method: DescMethodStreaming<I, O>,
    input: AsyncIterable<MessageInitShape<I>>,
    options: GrpcCallOptions | undefined,
    tracker: { readonly started: boolean } | undefined,
    call: GrpcCall,
  ): AsyncGenerator<MessageShape<O>, void, undefined> {
    const p = this.#p;
    let pauses = 0;
    for (let n = 1; ; n++) {
      const remaining = call.deadlineAt - p.clock.now();
      let pending: Slot | Promise<Slot>;
      try {
        pending = this.#start(call, n, remaining);
      } catch (error) {
        if (n === 1) return await failLater(error); // nothing went on the wire yet
        throw error;
      }
      const slot = pending instanceof Promise ? await pending : pending;
      // Our own controller, so a consumer that stops reading cancels the stream on the wire.
      const controller = new AbortController();
      const onAbort = (): void => controller.abort(call.signal?.reason);
      call.signal?.addEventListener("abort", onAbort, { once: true });
      let settled = false;
      try {
        let outcome: Failure | undefined;
        let iterator: AsyncIterator<MessageShape<O>> | undefined;
        let first: IteratorResult<MessageShape<O>> | undefined;
        let response: { header: Headers; trailer: Headers } | undefined;
        try {
          const transport = p.transportFor(slot.endpoint.origin);
          const grpcTimeout = Number.isFinite(remaining) ? Math.ceil(remaining) : undefined;
          // An attempt lasts until the first message (or the end): that is what middleware sees as its answer.
          const open = async (signal: AbortSignal | undefined, headers: Readonly<Record<string, string>>) => {
            const res = await transport.stream(method, signal, grpcTimeout, headers, input);
            const it = res.message[Symbol.asyncIterator]();
            return { header: res.header, trailer: res.trailer, iterator: it, first: await it.next() };
          };
          const run = p.middleware;
          const opened =
            run === undefined
              ? await open(controller.signal, call.headers)
              : await run({ ...this.#attemptOf(call, n, slot), signal: controller.signal }, call.headers, open, () => controller.abort(new AbortError({ service: call.service, operation: call.operation })));
          response = opened;
          iterator = opened.iterator;
          first = opened.first;
        } catch (error) {
          outcome = failure(call, error, slot.endpoint.origin, false, p.isClosed());
        }
        if (tracker?.started) call.replayable = false;
        if (outcome !== undefined) {
          settled = true;
          const pause = this.#conclude(call, slot, outcome, n, pauses);
          if (pause === undefined || outcome.kind !== "failed") throw finish(outcome.error, call);
          pauses = await this.#pause(call, outcome, pause, pauses);
          continue;
        }
        // Committed: the first message (or the end) arrived; no more attempts.
        try {
          if (!first!.done) {
            yield first!.value;
            for (;;) {
              const next = await iterator!.next();
              if (next.done) break;
              yield next.value;
            }
          }
        } catch (error) {
          const failed = classify(call, error, slot.endpoint.origin, false, p.isClosed());
          settled = true;
          this.#conclude(call, slot, failed, n, pauses, true);
          throw finish(failed.error, call);
        }
        const ok: Outcome = { kind: "ok", header: response!.header, trailer: response!.trailer };
        settled = true;
        this.#conclude(call, slot, ok, n, pauses);
        this.#respond(call, slot, ok, options);
        return;
      } finally {
        call.signal?.removeEventListener("abort", onAbort);
        if (!settled) {
          // The consumer stopped early: cancel the stream; no verdict for breakers.
          controller.abort(new AbortError({ service: call.service, operation: call.operation }));
          this.#conclude(call, slot, { kind: "aborted", error: new AbortError({ service: call.service, operation: call.operation }) }, n, pauses, true);
        }
      }
    }
  }

  /**
   * The service breaker's admission, once per call and outside the retries: it hears each call once, with its final
   * outcome, so it opens on evidence about the service rather than about one attempt (circuit.ts says why). Returns
   * its success count for CircuitBreaker.timedOut; throws CircuitOpenError when it is open (nothing is sent).
   */
  #admit(call: GrpcCall): number {
    const breaker = this.#p.serviceBreaker;
    if (breaker === undefined) return 0;
    if (breaker.state !== "closed" && !breaker.tryAcquire(this.#p.clock.now())) {
      throw finish(new CircuitOpenError("service", { service: call.service, operation: call.operation }), call);
    }
    return breaker.successes;
  }

  /** The call's one verdict for the service breaker (the HTTP circuit layer's rules, circuit.ts callVerdict). */
  #judge(call: GrpcCall, failed: boolean, seen: number): void {
    const { serviceBreaker: breaker, clock, set } = this.#p;
    if (breaker === undefined) return;
    if (!failed) return record(breaker, clock, false);
    const last = call.last;
    // Nothing sent, the caller's abort, middleware's own error, or the call's own deadline (a stream may be meant to
    // run that long): no evidence about the service.
    if (last === undefined || last === "aborted" || last === "rejected" || last === "deadline") return breaker.release();
    const verdict = callVerdict(call.records, set.endpoints.length > 1, statusIsFailure);
    if (verdict === true && last === "attempt_timeout") breaker.timedOut(clock.now(), seen);
    else record(breaker, clock, verdict);
  }

  /** Attempt `n`'s slot, unless the deadline is spent; throws (no I/O done) when nothing may be sent. */
  #start(call: GrpcCall, n: number, remaining: number): Slot | Promise<Slot> {
    if (remaining <= 0) throw finish(this.#deadline(call), call);
    return this.#acquire(call, n);
  }

  /** The slot for attempt `n` (a promise only while discovery has not answered yet). */
  #acquire(call: GrpcCall, n: number): Slot | Promise<Slot> {
    let slot: Slot | Promise<Slot>;
    try {
      slot = acquire(this.#p, call, n);
    } catch (error) {
      throw finish(error, call);
    }
    if (slot instanceof Promise) {
      return slot.then(
        (s) => this.#placed(call, s),
        (error: unknown) => {
          throw finish(error, call);
        },
      );
    }
    return this.#placed(call, slot);
  }

  #placed(call: GrpcCall, slot: Slot): Slot {
    const last = call.records[call.records.length - 1];
    if (last !== undefined && last.endpoint !== slot.endpoint.origin) last.rotated = true;
    return slot;
  }

  /** What middleware hears about attempt `n` (built only when middleware is configured). */
  #attemptOf(call: GrpcCall, n: number, slot: Slot): { service: string; operation: string; attempt: number; endpoint: string; signal: AbortSignal | undefined } {
    return { service: call.service, operation: call.operation, attempt: n, endpoint: slot.endpoint.origin, signal: call.signal };
  }

  #deadline(call: GrpcCall): GrpcError {
    return new GrpcError(4, `deadline of ${call.timeoutMs} ms exceeded`, {}, [], { service: call.service, operation: call.operation });
  }

  /** Records the attempt and tells breakers and balancer; returns the pause before the next attempt, if one is due. */
  #conclude(call: GrpcCall, slot: Slot, outcome: Outcome, n: number, pauses: number, final = false): number | undefined {
    const p = this.#p;
    // A closed client sends nothing more (another attempt would open a connection close() just cut).
    call.last = outcome.kind === "failed" ? outcome.how : outcome.kind;
    const retriable = outcome.kind === "failed" && !p.isClosed() && this.#retriable(call, outcome);
    const pause = !final && retriable ? this.#nextPause(call, outcome, n, pauses) : undefined;
    settle(p, slot, outcome, retriable);
    // A success nobody asked to hear about needs no record: the hot path of a healthy service allocates none.
    if (outcome.kind === "ok" && !call.wantsRecords && !p.events.wants("attempt", call.onEvent)) return undefined;
    const rec: MutableRecord = {
      endpoint: slot.endpoint.origin,
      outcome: recordOutcome(outcome),
      pauseMs: pause ?? 0,
      durationMs: p.clock.now() - slot.started,
      retriable,
      rotated: false,
    };
    call.records.push(rec);
    emitAttempt(p.events, call, n, rec);
    if (pause !== undefined && p.events.wants("retry", call.onEvent)) {
      p.events.emit(
        "retry",
        { type: "retry", service: call.service, operation: call.operation, reason: rec.outcome, attempt: n + 1, pauseMs: pause, endpoint: rec.endpoint },
        call.onEvent,
      );
    }
    return pause;
  }

  /** Does this outcome ask for another attempt (before limits, budget and deadline)? */
  #retriable(call: GrpcCall, outcome: Outcome & { kind: "failed" }): boolean {
    const { retry, retryOn } = this.#p;
    switch (outcome.how) {
      case "not_sent":
        return retry.retryOnConnect;
      case "deadline":
        return false;
      case "attempt_timeout":
        return call.idempotent && retry.retryOnTimeout;
      case "reset":
        return call.idempotent && (retry.retryOnConnect || retryOn.has(outcome.error.statusCode));
      case "status":
        return call.idempotent && retryOn.has(outcome.error.statusCode);
    }
  }

  #nextPause(call: GrpcCall, outcome: Outcome & { kind: "failed" }, n: number, pauses: number): number | undefined {
    const p = this.#p;
    if (!call.replayable || n >= this.#limit || outcome.pushbackMs === null) return undefined;
    let pause: number;
    if (outcome.pushbackMs !== undefined) pause = outcome.pushbackMs;
    else if (outcome.how === "not_sent" && p.set.endpoints.some((e) => !call.route.tried(e))) pause = 0; // another endpoint may take it now
    else pause = backoffPause(p.retry, pauses + 1, p.retry.jitter === "full" ? p.random() : 0);
    if (!fitsBefore(pause, call.deadlineAt - p.clock.now())) return undefined;
    // As the HTTP retry layer: a re-send after an attempt that never reached a stream is free (it put no load on
    // anything, and refusing it would turn one dead pod into failed calls).
    if (p.budget !== undefined && outcome.how !== "not_sent" && !p.budget.tryWithdraw(p.clock.now())) {
      if (p.events.wants("budget_exhausted", call.onEvent)) {
        p.events.emit("budget_exhausted", { type: "budget_exhausted", service: call.service, operation: call.operation, attempt: n }, call.onEvent);
      }
      return undefined;
    }
    return pause;
  }

  /** Waits `pause`; returns the backoff count for the next computed pause (a server pushback starts it over). */
  async #pause(call: GrpcCall, outcome: Outcome & { kind: "failed" }, pause: number, pauses: number): Promise<number> {
    if (pause > 0) {
      try {
        await sleep(this.#p.clock, pause, call.signal);
      } catch (reason) {
        throw finish(new AbortError({ service: call.service, operation: call.operation, cause: reason }), call);
      }
    }
    if (outcome.pushbackMs !== undefined) return 0;
    return pause > 0 ? pauses + 1 : pauses;
  }

  #respond(call: GrpcCall, slot: Slot, outcome: Outcome & { kind: "ok" }, options: GrpcCallOptions | undefined): void {
    const onResponse = options?.onResponse;
    if (onResponse === undefined) return;
    onResponse({ endpoint: slot.endpoint.origin, headers: metadataRecord(outcome.header), trailers: metadataRecord(outcome.trailer), attempts: call.records });
  }
}

/** An attempt's rejection: what middleware threw ends the call as it is (unless the caller aborted); the rest is classified. */
function failure(call: GrpcCall, error: unknown, endpoint: string, limitedByAttempt: boolean, clientClosed: boolean): Failure {
  if (error instanceof MiddlewareRejection) {
    if (!call.signal?.aborted) return { kind: "rejected", error: error.error };
    error = error.error;
  }
  return classify(call, error, endpoint, limitedByAttempt, clientClosed);
}

/** Rejects with `error` on a later macrotask: the call was refused without I/O (nextMacrotask says why). */
async function failLater(error: unknown): Promise<never> {
  await nextMacrotask();
  throw error;
}
