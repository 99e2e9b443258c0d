// The telemetry layers, protocol-neutral (what a protocol's spans and metrics say is its AttemptSemantics: http.ts,
// ../grpc/telemetry.ts). Two places in the chain (chain.ts):
//   - the call layer, outermost: one INTERNAL span per logical call (`<service>.<operation>`), a child of the
//     caller's active span, or of the `traceparent` the call's headers carry when there is none. Re-sends, pauses and
//     budget refusals are events on it (retry.ts writes them through Call.trace), a breaker's refusal too; it ends
//     with the call (a committed stream: when it is over).
//   - the attempt layer, right after the endpoint pick: one CLIENT span per attempt sent, a child of the call's span,
//     with the conventions' attributes; it injects that span's `traceparent` into the attempt's own headers, records
//     the attempt's duration, and runs the rest of the attempt with that span active (user middleware sees it).
//   - quietTransport, around the transport itself: tracing suppressed (@opentelemetry/core's key), so
//     @opentelemetry/instrumentation-undici, which honours nothing else, starts no second client span and injects no
//     second `traceparent` for the request svcgen already traced.
// With no SDK registered both layers pass the call on after two identity checks; with telemetry off they are not in
// the chain at all.
import { isCircuitOpenError } from "../errors.js";
import type { BaseCall, Exchange, Handler, Layer } from "../chain.js";
import type { Endpoint } from "../endpoints.js";
import type { Protocol, Settlement } from "../protocol.js";
import type { Attributes, OtelHistogram, OtelSpan, OtelTracer } from "./api.js";
import type { ClientTelemetry } from "./client-telemetry.js";

/** api.SpanKind / api.SpanStatusCode values (stable since 1.0). */
const INTERNAL = 0;
const CLIENT = 2;
const ERROR = 2;

/** What a protocol's conventions say about an attempt. */
export interface AttemptSemantics<C extends BaseCall, R> {
  /** `{method} {url.template}`; `{rpc.service}/{rpc.method}`. */
  spanName(call: C): string;
  /** Attributes known before sending (the ones samplers read), the span's and the duration metric's base. */
  startAttributes(exchange: Exchange<C>, endpoint: Endpoint): Attributes;
  /** The attempt's headers (metadata), a copy of which gets `traceparent`. */
  headers(exchange: Exchange<C>): Readonly<Record<string, string>>;
  /** The call's own headers (for a caller's `traceparent` when no span is active). */
  callHeaders(call: C): Readonly<Record<string, string>>;
  /** An answer: fills `end` (status code, error.type), true when the conventions call it an error. */
  answered(res: R, end: Attributes): boolean;
  /** A failed attempt: fills `end` (error.type, a gRPC status). */
  failed(error: unknown, end: Attributes): void;
  /** The duration metric's attributes from the span's. */
  metricAttributes(start: Attributes, end: Attributes): Attributes;
}

/** A low-cardinality `error.type`: svcgen's error codes (`SVCGEN_TIMEOUT` → `timeout`), else the error's code or class. */
export function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code !== "") return code.startsWith("SVCGEN_") ? code.slice(7).toLowerCase() : code;
  return error instanceof Error ? error.name : "_OTHER";
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function callLayer<C extends BaseCall, R>(t: ClientTelemetry, semantics: AttemptSemantics<C, R>): Layer<C, R> {
  const api = t.api;
  // Not async on the way through: an untraced call costs no extra promise.
  return (next) => (exchange) => {
    const tracer = t.tracer();
    return tracer === undefined ? next(exchange) : traced(next, exchange, tracer);
  };

  async function traced(next: Handler<C, R>, exchange: Exchange<C>, tracer: OtelTracer): Promise<R> {
    const call = exchange.call;
    let parent = api.context.active();
    if (api.trace.getSpan(parent) === undefined) {
      // Today's pass-through: a caller that sets `traceparent` itself (no span active) stays the parent.
      const headers = semantics.callHeaders(call);
      if (headers["traceparent"] !== undefined) parent = api.propagation.extract(parent, headers as Record<string, string>);
    }
    const span = tracer.startSpan(`${call.service}.${call.op.id}`, { kind: INTERNAL, attributes: { "svcgen.service": call.service, "svcgen.operation": call.op.id } }, parent);
    call.trace = { tracer, span, context: api.trace.setSpan(parent, span) };
    let res: R;
    try {
      res = await next(exchange);
    } catch (error) {
      if (isCircuitOpenError(error)) span.addEvent("svcgen.breaker_rejected", { "svcgen.breaker.scope": error.scope, "svcgen.endpoint": error.endpoint });
      endCall(span, call, error);
      throw error;
    }
    const protocol = call.protocol as Protocol<R>;
    const settled = protocol.settlement?.(res);
    if (settled === undefined) {
      if (protocol.accepted(call, res)) endCall(span, call, undefined);
      else endCall(span, call, undefined, String(protocol.status(res)));
    } else void settled.then((s) => endCall(span, call, typeof s === "object" ? s.error : undefined));
    return res;
  }
}

function endCall(span: OtelSpan, call: BaseCall, error: unknown, failedStatus?: string): void {
  span.setAttribute("svcgen.attempts", call.attempts.length);
  if (error !== undefined) {
    span.setAttribute("error.type", errorType(error));
    span.setStatus({ code: ERROR, message: message(error) });
  } else if (failedStatus !== undefined) {
    span.setAttribute("error.type", failedStatus);
    span.setStatus({ code: ERROR });
  }
  span.end();
}

export function attemptLayer<C extends BaseCall, R>(t: ClientTelemetry, semantics: AttemptSemantics<C, R>): Layer<C, R> {
  const api = t.api;
  const clock = t.clock;
  return (next) => (exchange) => {
    const histogram = t.histogram();
    return exchange.call.trace === undefined && histogram === undefined ? next(exchange) : observed(next, exchange, histogram);
  };

  async function observed(next: Handler<C, R>, exchange: Exchange<C>, histogram: OtelHistogram | undefined): Promise<R> {
    const call = exchange.call;
    const trace = call.trace;
    const start = semantics.startAttributes(exchange, exchange.endpoint!);
    let span: OtelSpan | undefined;
    let res: R;
    const started = clock.now();
    try {
      if (trace === undefined) res = await next(exchange);
      else {
        span = trace.tracer.startSpan(semantics.spanName(call), { kind: CLIENT, attributes: start }, trace.context);
        const context = api.trace.setSpan(trace.context, span);
        const headers: Record<string, string> = Object.assign({}, semantics.headers(exchange)); // not a spread: see request.ts
        api.propagation.inject(context, headers);
        exchange.headers = headers;
        res = await api.context.with(context, () => next(exchange));
      }
    } catch (error) {
      const end: Attributes = {};
      semantics.failed(error, end);
      finish(span, histogram, semantics, start, end, started, message(error));
      throw error;
    }
    const settled = (call.protocol as Protocol<R>).settlement?.(res);
    if (settled === undefined) answered(span, histogram, semantics, start, res, started);
    else void settled.then((s: Settlement) => settle(span, histogram, semantics, start, res, started, s));
    return res;
  }

  function answered(span: OtelSpan | undefined, histogram: OtelHistogram | undefined, semantics: AttemptSemantics<C, R>, start: Attributes, res: R, started: number): void {
    const end: Attributes = {};
    const failed = semantics.answered(res, end);
    finish(span, histogram, semantics, start, end, started, failed ? "" : undefined);
  }

  function settle(span: OtelSpan | undefined, histogram: OtelHistogram | undefined, semantics: AttemptSemantics<C, R>, start: Attributes, res: R, started: number, s: Settlement): void {
    if (typeof s !== "object") return answered(span, histogram, semantics, start, res, started);
    const end: Attributes = {};
    semantics.failed(s.error, end);
    finish(span, histogram, semantics, start, end, started, message(s.error));
  }

  /** `failure`: undefined for a success, else the span status's message. */
  function finish(span: OtelSpan | undefined, histogram: OtelHistogram | undefined, semantics: AttemptSemantics<C, R>, start: Attributes, end: Attributes, started: number, failure: string | undefined): void {
    histogram?.record((clock.now() - started) * t.durationPerMs, semantics.metricAttributes(start, end));
    if (span === undefined) return;
    for (const key of Object.keys(end)) {
      const value = end[key];
      if (value !== undefined) span.setAttribute(key, value);
    }
    if (failure !== undefined) span.setStatus(failure === "" ? { code: ERROR } : { code: ERROR, message: failure });
    span.end();
  }
}

/** The transport, run with tracing suppressed when its call is traced (see the header). */
export function quietTransport<C extends BaseCall, R>(t: ClientTelemetry | undefined, transport: Handler<C, R>): Handler<C, R> {
  if (t === undefined) return transport;
  const context = t.api.context;
  const suppress = t.suppressKey;
  return (exchange) => (exchange.call.trace === undefined ? transport(exchange) : context.with(context.active().setValue(suppress, true), () => transport(exchange)));
}
