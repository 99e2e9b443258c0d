// Retry budget (Finagle / Linkerd style): over a sliding window, retries may add at most `ratio` of the calls made,
// plus a floor of `minPerSecond` retries per second so a quiet client can still retry. During a full outage this
// caps upstream load at (1 + ratio) × calls instead of maxAttempts × calls.
const BUCKETS = 10;

import { DEFAULT_RETRY_BUDGET } from "./vocabulary.js";

export const DEFAULT_BUDGET_WINDOW_MS: number = DEFAULT_RETRY_BUDGET.windowMs;
export const DEFAULT_MIN_RETRIES_PER_SECOND: number = DEFAULT_RETRY_BUDGET.minRetriesPerSecond;

export class RetryBudget {
  readonly #ratio: number;
  readonly #floor: number;
  readonly #bucketMs: number;
  readonly #calls = new Array<number>(BUCKETS).fill(0);
  readonly #retries = new Array<number>(BUCKETS).fill(0);
  #head = -1;

  constructor(ratio: number, minPerSecond: number = DEFAULT_MIN_RETRIES_PER_SECOND, windowMs: number = DEFAULT_BUDGET_WINDOW_MS) {
    this.#ratio = Math.max(0, ratio);
    this.#floor = Math.max(0, minPerSecond) * (windowMs / 1000);
    this.#bucketMs = Math.max(1, windowMs / BUCKETS);
  }

  /** Counts one call (its first attempt). */
  deposit(now: number): void {
    this.#calls[this.#slot(now)]!++;
  }

  /** Takes one retry from the budget; false when the budget is spent (then the retry must not be sent). */
  tryWithdraw(now: number): boolean {
    const slot = this.#slot(now);
    let calls = 0;
    let retries = 0;
    for (let i = 0; i < BUCKETS; i++) {
      calls += this.#calls[i]!;
      retries += this.#retries[i]!;
    }
    if (retries >= this.#floor + this.#ratio * calls) return false;
    this.#retries[slot]!++;
    return true;
  }

  #slot(now: number): number {
    const bucket = Math.floor(now / this.#bucketMs);
    if (this.#head < 0 || bucket - this.#head >= BUCKETS) {
      this.#calls.fill(0);
      this.#retries.fill(0);
    } else {
      for (let b = this.#head + 1; b <= bucket; b++) {
        this.#calls[b % BUCKETS] = 0;
        this.#retries[b % BUCKETS] = 0;
      }
    }
    if (bucket > this.#head) this.#head = bucket;
    return ((this.#head % BUCKETS) + BUCKETS) % BUCKETS;
  }
}
