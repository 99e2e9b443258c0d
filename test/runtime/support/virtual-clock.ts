// A virtual clock for the runtime's Clock seam: time moves only when every pending task is idle, straight to the
// next timer. Long retry schedules run in microseconds and every pause is exact.
import type { Clock } from "../../../src/runtime/clock.js";

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
}

export class VirtualClock implements Clock {
  #now = 0;
  #seq = 0;
  #timers: Timer[] = [];

  now(): number {
    return this.#now;
  }

  setTimer(callback: () => void, ms: number): unknown {
    const timer: Timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, callback };
    this.#timers.push(timer);
    return timer;
  }

  clearTimer(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t !== handle);
  }

  /** Timers still set (a layer that forgets to clear one shows up here). */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Lets every ready task run; a macrotask boundary flushes all microtasks first. */
  static async idle(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Runs until `work` settles, advancing time to the earliest timer whenever nothing else can run. */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    work.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (;;) {
      await VirtualClock.idle();
      if (settled) return work;
      if (this.#timers.length === 0) throw new Error(`virtual clock: nothing to wait for at t=${this.#now} but the work has not settled`);
      let next = this.#timers[0]!;
      for (const t of this.#timers) if (t.at < next.at || (t.at === next.at && t.seq < next.seq)) next = t;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.at);
      next.callback();
    }
  }

  /** Advances time by `ms`, firing due timers in order. */
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    for (;;) {
      await VirtualClock.idle();
      let next: Timer | undefined;
      for (const t of this.#timers) if (t.at <= until && (next === undefined || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      if (next === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.at);
      next.callback();
    }
    this.#now = until;
    await VirtualClock.idle();
  }
}
