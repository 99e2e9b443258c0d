// Coalesces a burst of file events (an editor's save is often a truncate, a write and a rename) into one call,
// `ms` after the last of them — or `maxWaitMs` after the first, so a file rewritten without pause (a log, a generator
// looping on its output) still gets runs. Timers go through a Clock so tests step them by hand instead of waiting.
import type { Clock } from "../../runtime/clock.js";

export class Debounce {
  #timer: unknown;
  #armed = false;
  /** When the first trigger of the current burst came. */
  #since = 0;

  constructor(
    private readonly clock: Clock,
    private readonly ms: number,
    private readonly fire: () => void,
    private readonly maxWaitMs: number = ms * 10,
  ) {}

  /** (Re)starts the wait: `fire` runs once, `ms` after the last trigger, at most `maxWaitMs` after the first. */
  trigger(): void {
    const now = this.clock.now();
    if (this.#armed) this.clock.clearTimer(this.#timer);
    else this.#since = now;
    this.#armed = true;
    const wait = Math.max(0, Math.min(this.ms, this.#since + this.maxWaitMs - now));
    this.#timer = this.clock.setTimer(() => {
      this.#armed = false;
      this.fire();
    }, wait);
  }

  cancel(): void {
    if (this.#armed) this.clock.clearTimer(this.#timer);
    this.#armed = false;
  }
}
