// Coalesces a burst of file events (an editor's save is often a truncate, a write and a rename) into one call,
// `ms` after the last of them. Timers go through a Clock so tests step them by hand instead of waiting.
import type { Clock } from "../../runtime/clock.js";

export class Debounce {
  #timer: unknown;
  #armed = false;

  constructor(
    private readonly clock: Clock,
    private readonly ms: number,
    private readonly fire: () => void,
  ) {}

  /** (Re)starts the wait: `fire` runs once, `ms` after the last trigger. */
  trigger(): void {
    if (this.#armed) this.clock.clearTimer(this.#timer);
    this.#armed = true;
    this.#timer = this.clock.setTimer(() => {
      this.#armed = false;
      this.fire();
    }, this.ms);
  }

  cancel(): void {
    if (this.#armed) this.clock.clearTimer(this.#timer);
    this.#armed = false;
  }
}
