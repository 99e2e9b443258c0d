// A clock for the runtime's Clock seam (RuntimeHooks.clock) that tests move by hand, for clients that talk to real
// servers: the test waits for the I/O it expects (a request reaching the server, a probe answered), then fires the
// next timer. Durations on it are exact, and no test waits on the wall clock. (test/runtime/support/virtual-clock.ts
// moves time by itself whenever the event loop is idle, which suits scripted transports, not sockets.)
import type { Clock } from "../../src/runtime/clock.js";

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly ms: number;
  readonly callback: () => void;
}

export class SteppedClock implements Clock {
  #now = 0;
  #seq = 0;
  #timers: Timer[] = [];

  now(): number {
    return this.#now;
  }

  setTimer(callback: () => void, ms: number): unknown {
    const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, ms, callback };
    this.#timers.push(timer);
    return timer;
  }

  clearTimer(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t !== handle);
  }

  /** How many timers were ever set: grows when the code under test schedules its next step. */
  get timersSet(): number {
    return this.#seq;
  }

  /** Timers set and not yet fired or cleared, earliest first. */
  get pending(): ReadonlyArray<{ at: number; ms: number }> {
    return [...this.#timers].sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  /** Moves time to the earliest timer and fires it; returns the time it fired at. */
  fireNext(): number {
    const next = [...this.#timers].sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
    if (next === undefined) throw new Error(`stepped clock: no timer pending at t=${this.#now}`);
    this.#timers = this.#timers.filter((t) => t !== next);
    this.#now = Math.max(this.#now, next.at);
    next.callback();
    return this.#now;
  }
}

/** Resolves once `condition()` holds, checked after every turn of the event loop: waits on I/O, never on a timer. */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise<void>((resolve) => setImmediate(resolve));
}
