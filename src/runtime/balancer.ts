// The balancer hook: the one small interface every built-in balancer implements (balancers/*.ts) and a user may pass
// as ClientOptions.balancer. Re-exported by types.ts and index.ts. Nothing here assumes HTTP: a gRPC transport picks,
// reports and hears endpoint sets through the same interface (`headers` are then gRPC metadata, `status` its code).
import type { BreakerState } from "./breaker.js";
import type { Clock } from "./clock.js";
import type { Endpoint } from "./endpoints.js";
import type { EventType } from "./events.js";

/** Active probes of the `health_aware` balancer (ClientOptions.healthCheck). */
export interface HealthCheckOptions {
  /** Probe the readiness path (`ready`, default) or the liveness path (`health`). */
  readonly path?: "ready" | "health";
  /** Mean time between two probes of one endpoint, ms (default 5 000). */
  readonly intervalMs?: number;
  /** Each wait is drawn in interval × (1 ± jitter) (default 0.2), so endpoints are not probed in lockstep. */
  readonly jitter?: number;
  /** A probe without an answer by then failed, ms (default min(interval, 2 000)). */
  readonly timeoutMs?: number;
  /** Consecutive failed probes that eject an endpoint (default 2). */
  readonly unhealthyThreshold?: number;
  /** Consecutive passed probes that bring an ejected endpoint back (default 3). */
  readonly healthyThreshold?: number;
}

/**
 * What a balancer sees of one attempt about to be sent. The runtime reuses one object per call and updates it before
 * each pick: read it inside `pick()`, do not keep it. Nothing here is HTTP-specific: `headers` are HTTP headers or
 * gRPC metadata.
 */
export interface PickRequest {
  /** Operation id (the generated method name). */
  readonly operation: string;
  /** 1-based attempt number within the call. */
  readonly attempt: number;
  /** The request's headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The current endpoint set, in discovery order; never empty when `pick()` is called. */
  readonly endpoints: readonly Endpoint[];
  /**
   * Where this call's previous attempt went, or the endpoint the runtime just refused (its breaker is open);
   * undefined for a call's first pick.
   */
  readonly previous: Endpoint | undefined;
  /** Has this call already used (or been refused) `endpoint`? A retry should prefer one that it has not. */
  tried(endpoint: Endpoint): boolean;
  /** Would the runtime send to `endpoint` now? False while its circuit breaker is open. */
  available(endpoint: Endpoint): boolean;
}

/**
 * How one picked endpoint did. `response`: it answered (`status` says how); `connect`: no connection (nothing was
 * sent); `timeout`: the attempt timed out; `reset`: the connection failed after the request was written; `cancelled`:
 * the caller gave up (no verdict); `skipped`: the runtime did not send to it because its breaker is open; `error`:
 * anything else.
 */
export interface AttemptResult {
  readonly kind: "response" | "connect" | "timeout" | "reset" | "cancelled" | "skipped" | "error";
  /** The status for `response` (an HTTP status, or a gRPC transport's status code); 0 otherwise. */
  readonly status: number;
  /** Counts against the endpoint: a transport failure, a 5xx or a 429. */
  readonly failed: boolean;
  /** This outcome sends the call's next attempt to another endpoint (connect failure, attempt timeout, a listed status). */
  readonly rotate: boolean;
  /** From dispatch to the complete response, ms (0 for `skipped`). */
  readonly latencyMs: number;
  /** The endpoint's circuit breaker once this result is counted; undefined when breakers are off. */
  readonly breaker: BreakerState | undefined;
}

export interface EndpointChange {
  readonly added: readonly Endpoint[];
  readonly removed: readonly Endpoint[];
}

/**
 * Chooses an endpoint per attempt. Every endpoint `pick()` returns hears exactly one `onResult()`: how the attempt
 * went, or `skipped` when the runtime refused it (open breaker) and asked again. Should the balancer keep proposing
 * refused endpoints, the runtime walks the set in order for one that admits the attempt; that attempt is reported
 * too. Endpoints are identified by `origin`; the objects may be replaced when the set changes.
 */
export interface Balancer {
  /** Shown by describe() and in events. */
  readonly name: string;
  /** The endpoint for this attempt; undefined refuses the attempt (the call fails with NoEndpointsError). */
  pick(request: PickRequest): Endpoint | undefined;
  /** Hears how each picked endpoint did, with its latency. */
  onResult?(endpoint: Endpoint, result: AttemptResult): void;
  /** Hears the first endpoint set before any pick, then every change (discovery). */
  onEndpoints?(endpoints: readonly Endpoint[], change: EndpointChange): void;
  /** The client is closing: stop timers. */
  close?(): void;
  /**
   * Fail-over rules (endpoint-failover-v1): a rotation outcome moves the next attempt to the next endpoint at once
   * and pauses only after a full cycle; a default-retriable status (429, 502-504) retries the same endpoint; a reset
   * after the request was written is never retried. The built-in `failover` sets it; a balancer that wraps it sets
   * it too (a flag, not a class check, so wrapping keeps the rules).
   */
  readonly failover?: boolean;
  /** Fail-over's sticky preference: where the next call starts (shown by describe() as `preferred`). */
  preferred?(endpoints: readonly Endpoint[]): Endpoint | undefined;
}

/** What the client gives a balancer factory. */
export interface BalancerContext {
  readonly service: string;
  /** The client's clock: timers set through it are the balancer's to clear (and to unref). */
  readonly clock: Clock;
  /** Draws in [0, 1). */
  readonly random: () => number;
  /** Is anyone listening for events of this type? Check before building one. */
  wants(type: EventType): boolean;
  /** Publishes a runtime event (client `onEvent` and the `svcgen:<type>` channel); `service` is filled in. */
  emit(type: EventType, fields: Readonly<Record<string, unknown>>): void;
  /** One active probe of the service's readiness (or liveness) path on `endpoint`: true on a 2xx answer. */
  check(endpoint: Endpoint, signal: AbortSignal): Promise<boolean>;
}

export type BalancerFactory = (context: BalancerContext) => Balancer;
