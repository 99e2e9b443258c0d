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
// the chain at all. A call whose span is sampled out (not recording) gets no attempt spans: its attempts carry the
// call span's context (flags 00), run in it, and only the duration metric waits for them.
// No async functions on these paths: with the SDK's context manager on, every promise pays its async hook, and an
// `await` costs a second one.
import { isCircuitOpenError } from "../errors.js";
import type { BaseCall, Exchange, Handler, Layer } from "../chain.js";
import type { Endpoint } from "../endpoints.js";
import type { Protocol, Settlement } from "../protocol.js";
import type { AttributeValue, Attributes, OtelContext, OtelHistogram, OtelSpan } from "./api.js";
import type { ClientTelemetry } from "./client-telemetry.js";

/** api.SpanKind / api.SpanStatusCode values (stable since 1.0). */
const INTERNAL = 0;
const CLIENT = 2;
const ERROR = 2;

/** What a protocol's conventions say about an attempt. */
export interface AttemptSemantics<C extends BaseCall, R> {
  /** `{method} {url.template}`; `{rpc.service}/{rpc.method}`. */
  spanName(call: C): string;
  /**
   * What every attempt of the call's operation at `endpoint` shares: the span's start attributes but the per-attempt
   * ones, and the duration metric's attributes but the outcome's. Built once per operation and endpoint (the layer
   * keeps them) and shared by every attempt: never mutated.
   */
  fixedAttributes(call: C, endpoint: Endpoint): FixedAttributes;
  /** Attributes known before sending (the ones samplers read): `fixed.span` and the attempt's own. */
  startAttributes(exchange: Exchange<C>, fixed: Attributes): Attributes;
  /** The attempt's headers (metadata), a copy of which gets `traceparent`. */
  headers(exchange: Exchange<C>): Readonly<Record<string, string>>;
  /** The call's own headers (for a caller's `traceparent` when no span is active). */
  callHeaders(call: C): Readonly<Record<string, string>>;
  /** An answer: fills `end` (status code, error.type), true when the conventions call it an error. */
  answered(res: R, end: Attributes): boolean;
  /** A failed attempt: fills `end` (error.type, a gRPC status). Everything in `end` goes on the span and the metric. */
  failed(error: unknown, end: Attributes): void;
}

export interface FixedAttributes {
  readonly span: Attributes;
  readonly metric: Attributes;
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
  // Each operation's span name and options (kind and the two attributes), built once: the SDK copies what it keeps.
  const spans = new WeakMap<object, { name: string; options: { kind: number; attributes: Attributes } }>();
  // No async function on the way through: an untraced or unsampled call costs no extra promise.
  return (next) => (exchange) => {
    const tracer = t.tracer();
    if (tracer === undefined) return next(exchange);
    const call = exchange.call;
    let parent = api.context.active();
    if (api.trace.getSpan(parent) === undefined) {
      // Today's pass-through: a caller that sets `traceparent` itself (no span active) stays the parent.
      const headers = semantics.callHeaders(call);
      if (headers["traceparent"] !== undefined) parent = api.propagation.extract(parent, headers as Record<string, string>);
    }
    let op = spans.get(call.op);
    if (op === undefined) {
      op = { name: `${call.service}.${call.op.id}`, options: { kind: INTERNAL, attributes: { "svcgen.service": call.service, "svcgen.operation": call.op.id } } };
      spans.set(call.op, op);
    }
    const span = tracer.startSpan(op.name, op.options, parent);
    call.trace = { tracer, span, context: api.trace.setSpan(parent, span) };
    // Sampled out: the attempts still propagate its context (attemptLayer), but a span that records nothing needs
    // no attributes, status or end, so nothing waits for the call.
    if (!span.isRecording()) return next(exchange);
    return promised(next, exchange).then(
      (res) => {
        const protocol = call.protocol as Protocol<R>;
        const settled = protocol.settlement?.(res);
        if (settled === undefined) {
          if (protocol.accepted(call, res)) endCall(span, call, undefined);
          else endCall(span, call, undefined, String(protocol.status(res)));
        } else void settled.then((s) => endCall(span, call, typeof s === "object" ? s.error : undefined));
        return res;
      },
      (error: unknown) => {
        if (isCircuitOpenError(error)) span.addEvent("svcgen.breaker_rejected", { "svcgen.breaker.scope": error.scope, "svcgen.endpoint": error.endpoint });
        endCall(span, call, error);
        throw error;
      },
    );
  };
}

/** `next(exchange)`; a synchronous throw becomes the rejection. */
function promised<C extends BaseCall, R>(next: Handler<C, R>, exchange: Exchange<C>): Promise<R> {
  try {
    return next(exchange);
  } catch (error) {
    return Promise.reject(error);
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

/** What the attempts of one operation at one endpoint share; `outcomes`: the metric's attribute sets met so far. */
interface FixedEntry extends FixedAttributes {
  readonly name: string;
  readonly outcomes: Outcomes;
}

/**
 * Metric attribute sets by outcome (the attributes of `end`, by name, then value): a handful per operation and
 * endpoint (statuses, error types), each built once.
 */
interface Outcomes {
  attributes?: Attributes;
  readonly next: Map<string, Map<AttributeValue | undefined, Outcomes>>;
  /** Sets kept under the root; past MAX_OUTCOMES the rest are built per attempt. */
  size: number;
}

const MAX_OUTCOMES = 64;

export function attemptLayer<C extends BaseCall, R>(t: ClientTelemetry, semantics: AttemptSemantics<C, R>): Layer<C, R> {
  const api = t.api;
  const clock = t.clock;
  // By operation, then endpoint (both objects the client keeps: request()'s one-off operations are dropped with
  // their calls).
  const fixed = new WeakMap<object, WeakMap<Endpoint, FixedEntry>>();
  return (next) => (exchange) => {
    const histogram = t.histogram();
    const trace = exchange.call.trace;
    if (trace === undefined) {
      if (histogram === undefined) return next(exchange);
      const started = clock.now();
      return timed(run(next, exchange), exchange, fixedOf(exchange), histogram, undefined, started);
    }
    if (!trace.span.isRecording()) {
      // Sampled out (an unsampled parent under a ParentBased sampler, the SDK's default, or a sampler saying no):
      // no attempt span, whose children would be sampled out alike. The call's context goes on the wire instead,
      // so the server and whatever runs below see the same trace, unsampled (flags 00), and decide alike.
      propagate(exchange, trace.context);
      if (histogram === undefined) return api.context.with(trace.context, () => next(exchange));
      const started = clock.now();
      return timed(run(next, exchange, trace.context), exchange, fixedOf(exchange), histogram, undefined, started, trace.context);
    }
    const entry = fixedOf(exchange);
    const start = semantics.startAttributes(exchange, entry.span);
    const started = clock.now();
    const span = trace.tracer.startSpan(entry.name, { kind: CLIENT, attributes: start }, trace.context);
    const context = api.trace.setSpan(trace.context, span);
    propagate(exchange, context);
    return timed(run(next, exchange, context), exchange, entry, histogram, span, started, context);
  };

  /** `next(exchange)`, in `context` when given; a synchronous throw becomes the rejection (the span still ends). */
  function run(next: Handler<C, R>, exchange: Exchange<C>, context?: OtelContext): Promise<R> {
    return context === undefined ? promised(next, exchange) : api.context.with(context, () => promised(next, exchange));
  }

  function fixedOf(exchange: Exchange<C>): FixedEntry {
    const call = exchange.call;
    const endpoint = exchange.endpoint!;
    let byEndpoint = fixed.get(call.op);
    if (byEndpoint === undefined) fixed.set(call.op, (byEndpoint = new WeakMap()));
    let entry = byEndpoint.get(endpoint);
    if (entry === undefined) {
      const { span, metric } = semantics.fixedAttributes(call, endpoint);
      entry = { span, metric, name: semantics.spanName(call), outcomes: { next: new Map(), size: 0 } };
      byEndpoint.set(endpoint, entry);
    }
    return entry;
  }

  /** A copy of the attempt's headers with `context` injected (traceparent, tracestate, what the propagator writes). */
  function propagate(exchange: Exchange<C>, context: OtelContext): void {
    const headers: Record<string, string> = Object.assign({}, semantics.headers(exchange)); // not a spread: see request.ts
    api.propagation.inject(context, headers);
    exchange.headers = headers;
  }

  /**
   * The attempt's outcome on its span (when it has one) and its duration on the histogram, recorded in the attempt's
   * `context` when traced (an exemplar names the attempt's span; no lookup of the active context).
   */
  function timed(sent: Promise<R>, exchange: Exchange<C>, entry: FixedEntry, histogram: OtelHistogram | undefined, span: OtelSpan | undefined, started: number, context?: OtelContext): Promise<R> {
    return sent.then(
      (res) => {
        const settled = (exchange.call.protocol as Protocol<R>).settlement?.(res);
        if (settled === undefined) answered(entry, span, histogram, res, started, context);
        else void settled.then((s: Settlement) => settle(entry, span, histogram, res, started, s, context));
        return res;
      },
      (error: unknown) => {
        const end: Attributes = {};
        semantics.failed(error, end);
        finish(entry, span, histogram, end, started, message(error), context);
        throw error;
      },
    );
  }

  function answered(entry: FixedEntry, span: OtelSpan | undefined, histogram: OtelHistogram | undefined, res: R, started: number, context: OtelContext | undefined): void {
    const end: Attributes = {};
    const failed = semantics.answered(res, end);
    finish(entry, span, histogram, end, started, failed ? "" : undefined, context);
  }

  function settle(entry: FixedEntry, span: OtelSpan | undefined, histogram: OtelHistogram | undefined, res: R, started: number, s: Settlement, context: OtelContext | undefined): void {
    if (typeof s !== "object") return answered(entry, span, histogram, res, started, context);
    const end: Attributes = {};
    semantics.failed(s.error, end);
    finish(entry, span, histogram, end, started, message(s.error), context);
  }

  /** `failure`: undefined for a success, else the span status's message. */
  function finish(entry: FixedEntry, span: OtelSpan | undefined, histogram: OtelHistogram | undefined, end: Attributes, started: number, failure: string | undefined, context: OtelContext | undefined): void {
    histogram?.record((clock.now() - started) * t.durationPerMs, metricAttributes(entry, end), context);
    if (span === undefined) return;
    for (const key of Object.keys(end)) {
      const value = end[key];
      if (value !== undefined) span.setAttribute(key, value);
    }
    if (failure !== undefined) span.setStatus(failure === "" ? { code: ERROR } : { code: ERROR, message: failure });
    span.end();
  }
}

/** The fixed metric attributes and the outcome's (`end`: status code, error.type), one shared object per outcome. */
function metricAttributes(entry: FixedEntry, end: Attributes): Attributes {
  const root = entry.outcomes;
  let node = root;
  for (const name in end) {
    let byValue = node.next.get(name);
    if (byValue === undefined) node.next.set(name, (byValue = new Map()));
    let child = byValue.get(end[name]);
    if (child === undefined) {
      if (root.size >= MAX_OUTCOMES) return { ...entry.metric, ...end };
      byValue.set(end[name], (child = { next: new Map(), size: 0 }));
    }
    node = child;
  }
  if (node.attributes === undefined) {
    if (root.size >= MAX_OUTCOMES) return { ...entry.metric, ...end };
    root.size++;
    node.attributes = { ...entry.metric, ...end };
  }
  return node.attributes;
}

/** The transport, run with tracing suppressed when its call is traced (see the header). */
export function quietTransport<C extends BaseCall, R>(t: ClientTelemetry | undefined, transport: Handler<C, R>): Handler<C, R> {
  if (t === undefined) return transport;
  const context = t.api.context;
  const suppress = t.suppressKey;
  return (exchange) => (exchange.call.trace === undefined ? transport(exchange) : context.with(context.active().setValue(suppress, true), () => transport(exchange)));
}
