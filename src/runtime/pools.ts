// Connections, one undici Pool per endpoint origin, owned by the client (when the caller passes no dispatcher):
//   - An endpoint that leaves the set (a pod gone from DNS) has its pool closed at once: idle sockets close now, busy
//     ones once their request completes (Pool.close is graceful), and the origin is never dialled again.
//   - Connection age is capped: a pool is retired (closed gracefully) maxConnectionAgeMs after it was created, with
//     ±10 % jitter so endpoints do not reconnect in lockstep, and the next request opens a fresh one. Keep-alive then
//     cannot pin traffic to the pods that existed when a connection opened: the scale-up problem of long-lived
//     connections behind a ClusterIP Service (grpc-node #2455). This is a timer per pool rather than undici's
//     `clientTtl`, which reads the clock for every pooled connection on every request (it cost several µs a call at
//     32 in flight against three endpoints, a tenth of the client's whole budget).
// Timers are unref'd and cleared by retire() and close().
import { Pool } from "undici";
import type { Dispatcher } from "undici";
import { realClock, unrefTimer } from "./clock.js";
import type { Clock } from "./clock.js";
import type { PoolNumbers } from "./stats.js";
import { type ClientTls, undiciConnector } from "./tls.js";

/** Default cap on connection age, ms (the vocabulary's; re-exported for existing importers). */
export { DEFAULT_MAX_CONNECTION_AGE_MS } from "./vocabulary.js";

export interface PoolSettings {
  readonly connectTimeoutMs: number;
  /** 0 or less: no cap. */
  readonly maxConnectionAgeMs: number;
  /** The client's clock: age timers go through it (tests age connections on a virtual clock). Default: real time. */
  readonly clock?: Clock;
  /** mTLS material for https origins (tls.ts); new connections pick up rotated files. */
  readonly tls?: ClientTls | undefined;
}

interface Entry {
  readonly pool: Pool;
  timer: unknown;
}

export class EndpointPools {
  readonly #pools = new Map<string, Entry>();
  readonly #options: Pool.Options;
  readonly #maxAgeMs: number;
  readonly #clock: Clock;
  #closed = false;

  constructor(settings: PoolSettings) {
    // undici's own header/body timeouts are off: the runtime's attempt timeout and deadline decide (transport.ts).
    const connect = settings.tls !== undefined ? undiciConnector(settings.tls, settings.connectTimeoutMs) : { timeout: settings.connectTimeoutMs };
    this.#options = { connect, headersTimeout: 0, bodyTimeout: 0 };
    this.#maxAgeMs = settings.maxConnectionAgeMs > 0 ? settings.maxConnectionAgeMs : 0;
    this.#clock = settings.clock ?? realClock;
  }

  /** The pool for `origin`, created on first use (and again after its age ran out). */
  get(origin: string): Dispatcher {
    const found = this.#pools.get(origin);
    if (found !== undefined) return found.pool;
    const pool = new Pool(origin, this.#options);
    if (this.#closed) {
      // After close() nothing may hold sockets open: the pool refuses the request (UND_ERR_CLOSED).
      pool.close().catch(() => undefined);
      return pool;
    }
    const entry: Entry = { pool, timer: undefined };
    if (this.#maxAgeMs > 0) {
      entry.timer = unrefTimer(this.#clock.setTimer(() => this.#expire(origin, entry), this.#maxAgeMs * (0.9 + 0.2 * Math.random())));
    }
    this.#pools.set(origin, entry);
    return pool;
  }

  /** The endpoint left the set: close its pool (in-flight requests finish first). */
  retire(origin: string): void {
    const entry = this.#pools.get(origin);
    if (entry === undefined) return;
    this.#expire(origin, entry);
  }

  /** The origin's pool numbers (undici's PoolStats), when it has a pool. */
  stats(origin: string): PoolNumbers | undefined {
    return this.#pools.get(origin)?.pool.stats;
  }

  /** How many origins have a pool. */
  get size(): number {
    return this.#pools.size;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const entries = [...this.#pools.values()];
    this.#pools.clear();
    for (const e of entries) if (e.timer !== undefined) this.#clock.clearTimer(e.timer);
    await Promise.all(entries.map((e) => e.pool.close().catch(() => undefined)));
  }

  #expire(origin: string, entry: Entry): void {
    if (entry.timer !== undefined) this.#clock.clearTimer(entry.timer);
    entry.timer = undefined;
    if (this.#pools.get(origin) === entry) this.#pools.delete(origin);
    entry.pool.close().catch(() => undefined);
  }
}
