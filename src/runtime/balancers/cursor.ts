// Round-robin over the current set, shared by round_robin and the fallbacks of health_aware and consistent_hash.
// A call's first pick takes the next endpoint in turn. A retry prefers, in this order: an endpoint the call has not
// tried whose breaker admits it; one it tried, other than where it just was; the one it just was at; then the same
// three among endpoints whose breaker is open (the runtime refuses those and asks again).
import type { Endpoint } from "../endpoints.js";
import type { PickRequest } from "../types.js";

/** How much a retry wants `e` (0 best). */
export function retryRank(request: PickRequest, e: Endpoint, previous: string | undefined): number {
  const open = request.available(e) ? 0 : 3;
  if (!request.tried(e)) return open;
  return e.origin !== previous ? open + 1 : open + 2;
}

export class RoundRobinCursor {
  #next = 0;

  /** `allowed` narrows the choice (health); undefined when it refuses every endpoint. */
  next(request: PickRequest, allowed?: (endpoint: Endpoint) => boolean): Endpoint | undefined {
    const endpoints = request.endpoints;
    const n = endpoints.length;
    if (n === 0) return undefined;
    const start = this.#next < n ? this.#next : this.#next % n;
    if (request.previous === undefined && allowed === undefined) {
      this.#next = start + 1 === n ? 0 : start + 1;
      return endpoints[start];
    }
    const previous = request.previous?.origin;
    let best = -1;
    let bestRank = Infinity;
    for (let k = 0; k < n; k++) {
      const i = start + k < n ? start + k : start + k - n;
      const e = endpoints[i]!;
      if (allowed !== undefined && !allowed(e)) continue;
      // A first pick under a filter takes the next allowed endpoint; a retry ranks them.
      const rank = previous === undefined ? 0 : retryRank(request, e, previous);
      if (rank === 0) return this.#take(endpoints, i);
      if (rank < bestRank) {
        best = i;
        bestRank = rank;
      }
    }
    return best < 0 ? undefined : this.#take(endpoints, best);
  }

  #take(endpoints: readonly Endpoint[], i: number): Endpoint {
    this.#next = i + 1 === endpoints.length ? 0 : i + 1;
    return endpoints[i]!;
  }
}
