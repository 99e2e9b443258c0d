// Trips when failures / requests >= rate over a sliding window, once at least `minRequests` were seen. The window is
// ten buckets, so memory is fixed and old buckets fall out as time moves on.
import type { TripStrategy } from "./breaker.js";

const BUCKETS = 10;

export class FailureRate implements TripStrategy {
  readonly #rate: number;
  readonly #minRequests: number;
  readonly #bucketMs: number;
  readonly #requests = new Array<number>(BUCKETS).fill(0);
  readonly #failures = new Array<number>(BUCKETS).fill(0);
  /** Absolute bucket number of the newest bucket. */
  #head = -1;

  constructor(rate: number, minRequests: number, windowMs: number) {
    this.#rate = rate;
    this.#minRequests = Math.max(1, minRequests);
    this.#bucketMs = Math.max(1, windowMs / BUCKETS);
  }

  success(now: number): void {
    this.#requests[this.#slot(now)]!++;
  }

  failure(now: number): boolean {
    const slot = this.#slot(now);
    this.#requests[slot]!++;
    this.#failures[slot]!++;
    let requests = 0;
    let failures = 0;
    for (let i = 0; i < BUCKETS; i++) {
      requests += this.#requests[i]!;
      failures += this.#failures[i]!;
    }
    return requests >= this.#minRequests && failures / requests >= this.#rate;
  }

  reset(): void {
    this.#requests.fill(0);
    this.#failures.fill(0);
  }

  /** Advances the window to `now`, clearing buckets that fell out, and returns the current slot. */
  #slot(now: number): number {
    const bucket = Math.floor(now / this.#bucketMs);
    if (this.#head < 0 || bucket - this.#head >= BUCKETS) {
      this.reset();
    } else {
      for (let b = this.#head + 1; b <= bucket; b++) {
        this.#requests[b % BUCKETS] = 0;
        this.#failures[b % BUCKETS] = 0;
      }
    }
    if (bucket > this.#head) this.#head = bucket;
    return ((this.#head % BUCKETS) + BUCKETS) % BUCKETS;
  }
}
