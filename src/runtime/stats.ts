// A client's own numbers: plain counters bumped on the call path (an increment each, whether or not anyone reads
// them), and stats(), which reads them together with the breakers and the endpoints' undici pools. The
// `svcgen.client.*` metrics (telemetry/metrics.ts) observe the same object, so stats() and a dashboard never differ.
import { isCircuitOpenError } from "./errors.js";
import type { BaseCall } from "./chain.js";
import type { CircuitBreaker } from "./breaker.js";
import type { EndpointSet } from "./discovery/set.js";
import type { ClientStats, EndpointStats } from "./types.js";

export class ClientCounters {
  calls = 0;
  /** Calls answered or failed (a stream: committed or failed before it). */
  settled = 0;
  failures = 0;
  attempts = 0;
  retries = 0;
  rotations = 0;
  budgetRefusals = 0;
  breakerRejections = 0;
}

/** The call was answered (a stream: committed) or failed with `failure` (an error, or an answer taken as one). */
export function settleCall(c: ClientCounters, call: BaseCall, failure: unknown): void {
  c.settled++;
  c.attempts += call.attempts.length;
  if (failure === undefined) return;
  c.failures++;
  if (isCircuitOpenError(failure)) c.breakerRejections++;
}

/** An undici Pool's `stats` (PoolStats). */
export interface PoolNumbers {
  readonly running: number;
  readonly pending: number;
  readonly connected: number;
  readonly free: number;
  readonly size: number;
}

export interface StatsSource {
  readonly service: string;
  readonly protocol: "http" | "grpc";
  readonly counters: ClientCounters;
  readonly breaker: CircuitBreaker | undefined;
  readonly set: EndpointSet;
  /** The endpoint's pool numbers, when the client owns one for it. */
  readonly pool?: ((origin: string) => PoolNumbers | undefined) | undefined;
}

export function endpointStats(source: StatsSource): EndpointStats[] {
  const out: EndpointStats[] = [];
  for (const e of source.set.endpoints) {
    const p = source.pool?.(e.origin);
    const breaker = source.set.breaker(e.origin)?.state;
    out.push(
      p === undefined
        ? { endpoint: e.origin, breaker }
        : { endpoint: e.origin, breaker, pool: { inFlight: p.size, running: p.running, pending: p.pending, connected: p.connected, free: p.free } },
    );
  }
  return out;
}

export function clientStats(source: StatsSource): ClientStats {
  const c = source.counters;
  return {
    service: source.service,
    protocol: source.protocol,
    calls: c.calls,
    inFlight: c.calls - c.settled,
    failures: c.failures,
    attempts: c.attempts,
    retries: c.retries,
    rotations: c.rotations,
    budgetRefusals: c.budgetRefusals,
    breakerRejections: c.breakerRejections,
    breaker: source.breaker?.state,
    endpoints: endpointStats(source),
  };
}
