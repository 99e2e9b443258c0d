// The auth layer, between retry and pick, for HTTP and gRPC alike:
//   deadline → circuit → retry → AUTH → pick → attempt timeout → middleware → transport
// so every attempt (retries included) carries a current credential, and a credential fetch counts against the call's
// deadline (raced against it here: the attempt timeout starts only once the attempt is on its way). It puts the
// operation's selected credentials (credentials.ts) on the attempt's own copy of the headers/metadata (and path, for
// an apiKey in the query), never on the call. A refused attempt (HTTP 401, gRPC UNAUTHENTICATED) made with a
// refreshable credential invalidates what it sent, fetches once and is replayed once, to the same endpoint, for any
// method (the server refused it, so it did not run): at most once per call, and not charged to the retry budget.
// The refused attempt is in the trace (AttemptRecord.authRefresh) and heard as an `auth_refresh` event. A static
// credential costs one header copy per attempt and no promise.
import { CredentialError, isCredentialError } from "../errors.js";
import type { BaseCall, Call, Exchange, Handler, Layer, MutableAttemptRecord } from "../chain.js";
import type { Clock } from "../clock.js";
import type { EventSink } from "../events.js";
import type { Protocol } from "../protocol.js";
import type { TransportResponse } from "../response.js";
import type { ClientAuth, Part, Selection } from "./credentials.js";
import type { AuthOptions, SecurityRequirements } from "./types.js";

/** How credentials go on one protocol's attempt, and what refusing them looks like. */
export interface AuthWire<C extends BaseCall, R> {
  /** Sets the attempt's headers (and path) with `values[i]` for `parts[i]`. */
  apply(exchange: Exchange<C>, parts: readonly Part[], values: readonly string[]): void;
  /** The attempt was refused for its credentials. */
  refused(res: R | undefined, error: unknown): boolean;
}

/** HTTP: headers, cookies and query parameters on the attempt's copy; a 401 refuses. */
export const httpWire: AuthWire<Call, TransportResponse> = {
  apply(exchange, parts, values) {
    const request = exchange.call.request;
    // Object.assign, not a spread: V8 (node 20) makes a spread copy that then gains a key ~20× slower to build.
    const headers: Record<string, string> = Object.assign({}, request.headers);
    let path = request.path;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const value = values[i]!;
      if (part.in === "header") headers[part.name] = value;
      else if (part.in === "cookie") {
        const prev = headers["cookie"];
        headers["cookie"] = prev === undefined || prev === "" ? `${part.name}=${value}` : `${prev}; ${part.name}=${value}`;
      } else path += `${path.includes("?") ? "&" : "?"}${encodeURIComponent(part.name)}=${encodeURIComponent(value)}`;
    }
    exchange.headers = headers;
    if (path !== request.path || exchange.path !== undefined) exchange.path = path === request.path ? undefined : path;
  },
  refused: (res) => res !== undefined && res.status === 401,
};

/** gRPC: every credential is metadata (`authorization` for bearer and basic); `refused` says UNAUTHENTICATED. */
export function metadataWire<C extends BaseCall & { readonly headers: Readonly<Record<string, string>> }, R>(refused: (error: unknown) => boolean): AuthWire<C, R> {
  return {
    apply(exchange, parts, values) {
      const headers: Record<string, string> = Object.assign({}, exchange.call.headers);
      for (let i = 0; i < parts.length; i++) headers[parts[i]!.name.toLowerCase()] = values[i]!;
      exchange.headers = headers;
    },
    refused: (_res, error) => refused(error),
  };
}

export interface AuthLayerOptions<C extends BaseCall, R> {
  readonly auth: ClientAuth;
  readonly wire: AuthWire<C, R>;
  readonly clock: Clock;
  readonly events: EventSink;
}

/** The call options' `auth`, carried on the call. */
type AuthCall = BaseCall & { readonly auth?: AuthOptions | undefined };

export function authLayer<C extends BaseCall, R>(options: AuthLayerOptions<C, R>): Layer<C, R> {
  const { auth, wire, clock, events } = options;
  // Calls already replayed once after a refusal (no field on the call: the common path never touches it).
  const replayed = new WeakSet<BaseCall>();

  /** The wire values when every part holds a valid one (no promise), else undefined. */
  function current(parts: readonly Part[]): string[] | undefined {
    const values: string[] = new Array<string>(parts.length);
    for (let i = 0; i < parts.length; i++) {
      const value = parts[i]!.cell.current();
      if (value === undefined) return undefined;
      values[i] = value;
    }
    return values;
  }

  /** Every part's value, fetching what is missing, within the call's deadline and signal. */
  async function fetched(exchange: Exchange<C>, parts: readonly Part[]): Promise<string[]> {
    const call = exchange.call;
    try {
      return await bounded(Promise.all(parts.map((p) => p.cell.get())), exchange, clock);
    } catch (error) {
      if (!isCredentialError(error)) throw error;
      // The cell does not know the call: the same error, with where it happened.
      throw new CredentialError(error.scheme, error.detail, { service: call.service, operation: call.op.id, cause: (error as { cause?: unknown }).cause });
    }
  }

  async function send(next: Handler<C, R>, exchange: Exchange<C>, selection: Selection, known: string[] | undefined): Promise<R> {
    const values = known ?? (await fetched(exchange, selection.parts));
    wire.apply(exchange, selection.parts, values);
    if (!selection.refreshable || replayed.has(exchange.call)) return next(exchange);
    const started = clock.now();
    let res: R | undefined;
    let error: unknown;
    try {
      res = await next(exchange);
    } catch (e) {
      error = e;
    }
    const call = exchange.call;
    if (!wire.refused(res, error) || !call.replayable || replayed.has(call)) {
      if (res === undefined) throw error;
      return res;
    }
    replayed.add(call);
    refusedAttempt(exchange, res, error, started, selection);
    const parts = selection.parts;
    for (let i = 0; i < parts.length; i++) parts[i]!.cell.invalidate(values[i]!);
    // The replay goes where the refused attempt went, as a fresh attempt of the same number.
    exchange.moveOn = false;
    exchange.endpoint = undefined;
    exchange.headers = undefined;
    exchange.path = undefined;
    exchange.redirects = undefined;
    exchange.cancel = undefined;
    exchange.limitMs = Infinity;
    exchange.limitedByAttempt = false;
    const fresh = await fetched(exchange, parts);
    wire.apply(exchange, parts, fresh);
    return next(exchange);
  }

  /** The refused attempt goes into the trace (the retry layer records the replay) and is heard. */
  function refusedAttempt(exchange: Exchange<C>, res: R | undefined, error: unknown, started: number, selection: Selection): void {
    const call = exchange.call;
    const protocol = call.protocol as Protocol<R>;
    const record: MutableAttemptRecord = {
      endpoint: exchange.endpoint?.origin ?? "",
      outcome: res !== undefined ? { kind: "status", status: protocol.status(res) } : protocol.errorOutcome(error),
      pauseMs: 0,
      durationMs: clock.now() - started,
      retriable: true,
      rotated: false,
      authRefresh: true,
    };
    if (exchange.redirects !== undefined) record.redirects = exchange.redirects;
    call.attempts.push(record);
    call.trace?.span.addEvent("svcgen.auth_refresh", { "svcgen.attempt": call.attempts.length, "svcgen.endpoint": record.endpoint });
    const base = { service: call.service, operation: call.op.id, attempt: exchange.attempt, endpoint: record.endpoint };
    if (events.wants("attempt", call.onEvent)) events.emit("attempt", { type: "attempt", ...base, outcome: record.outcome, durationMs: record.durationMs }, call.onEvent);
    if (events.wants("auth_refresh", call.onEvent)) {
      const schemes = selection.parts.filter((p) => p.cell.refreshable).map((p) => p.cell.scheme);
      events.emit("auth_refresh", { type: "auth_refresh", ...base, outcome: record.outcome, schemes }, call.onEvent);
    }
  }

  return (next) => (exchange) => {
    const call = exchange.call as C & AuthCall;
    const selection = auth.select(call.op as { readonly security?: SecurityRequirements }, call.auth);
    const parts = selection.parts;
    if (parts.length === 0) return next(exchange);
    const values = current(parts);
    if (values !== undefined && !selection.refreshable) {
      wire.apply(exchange, parts, values);
      return next(exchange);
    }
    return send(next, exchange, selection, values);
  };
}

/** `work`, or the call's deadline error / the caller's abort reason when either comes first. Cleans up after itself. */
function bounded<T>(work: Promise<T>, exchange: Exchange<BaseCall>, clock: Clock): Promise<T> {
  const { deadlineAt, signal } = exchange;
  if (deadlineAt === Infinity && signal === undefined) return work;
  const call = exchange.call;
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const left = deadlineAt - clock.now();
    if (left <= 0) {
      reject(call.protocol.deadlineError(call, call.timeoutMs, false));
      return;
    }
    const timer = deadlineAt === Infinity ? undefined : clock.setTimer(() => done(() => reject(call.protocol.deadlineError(call, call.timeoutMs, false))), left);
    const onAbort = (): void => done(() => reject(signal!.reason));
    signal?.addEventListener("abort", onAbort, { once: true });
    let settled = false;
    function done(settle: () => void): void {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clock.clearTimer(timer);
      signal?.removeEventListener("abort", onAbort);
      settle();
    }
    work.then(
      (value) => done(() => resolve(value)),
      (error: unknown) => done(() => reject(error)),
    );
  });
}
