// Trips after `threshold` failures in a row; any success starts the count again.
import type { TripStrategy } from "./breaker.js";

export class ConsecutiveFailures implements TripStrategy {
  #count = 0;
  readonly #threshold: number;
  constructor(threshold: number) {
    this.#threshold = Math.max(1, threshold);
  }
  success(): void {
    this.#count = 0;
  }
  failure(): boolean {
    this.#count++;
    return this.#count >= this.#threshold;
  }
  reset(): void {
    this.#count = 0;
  }
}
