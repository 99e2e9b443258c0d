// load_balancer = "consistent_hash" on a request header (the seed's Istio example: `x-user-id`). A hash ring with
// VNODES virtual nodes per endpoint: adding or removing one of N endpoints moves about 1/N of the keys, and only to or
// from that endpoint. A retry walks on along the ring to the next endpoint the call has not tried (and whose breaker
// admits it). A request without the header falls back to round-robin and says so in a `balancer_fallback` event.
import { RoundRobinCursor, retryRank } from "./cursor.js";
import { fmix32, hash32 } from "./hash.js";
import type { Endpoint } from "../endpoints.js";
import type { Balancer, BalancerContext, PickRequest } from "../types.js";

/**
 * Virtual nodes per endpoint. The share of keys an endpoint owns varies by about 1/√VNODES of its mean (4.4 % here),
 * which keeps the keys moved by a set change close to 1/N.
 */
export const VNODES = 512;

interface Ring {
  /** Sorted point hashes. */
  readonly points: Uint32Array;
  /** owners[i]: index into `endpoints` of the endpoint owning points[i]. */
  readonly owners: Uint16Array | Uint32Array;
  readonly endpoints: readonly Endpoint[];
}

function buildRing(endpoints: readonly Endpoint[]): Ring {
  const n = endpoints.length;
  // Point hash × 2^16 + owner fits a double exactly for up to 65 536 endpoints; sorting one Float64Array is fast.
  const keys = new Float64Array(n * VNODES);
  for (let e = 0; e < n; e++) {
    const base = hash32(endpoints[e]!.origin);
    for (let v = 0; v < VNODES; v++) keys[e * VNODES + v] = fmix32(base ^ Math.imul(v + 1, 0x9e3779b9)) * 65536 + e;
  }
  keys.sort();
  const points = new Uint32Array(keys.length);
  const owners = n <= 65536 ? new Uint16Array(keys.length) : new Uint32Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    points[i] = Math.floor(k / 65536);
    owners[i] = k % 65536;
  }
  return { points, owners, endpoints };
}

/** Index of the first point ≥ h (wrapping to 0). */
function lowerBound(points: Uint32Array, h: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]! < h) lo = mid + 1;
    else hi = mid;
  }
  return lo === points.length ? 0 : lo;
}

export class ConsistentHashBalancer implements Balancer {
  readonly name = "consistent_hash";
  readonly header: string | undefined;
  readonly #context: BalancerContext;
  readonly #fallback = new RoundRobinCursor();
  #ring: Ring | undefined;

  /** `header`: lower-case name; undefined when none is configured (every request falls back). */
  constructor(context: BalancerContext, header: string | undefined) {
    this.#context = context;
    this.header = header === undefined || header === "" ? undefined : header.toLowerCase();
  }

  /** The endpoint that owns `key` in `endpoints` (no retry walk). */
  owner(key: string, endpoints: readonly Endpoint[]): Endpoint | undefined {
    const ring = this.#ringFor(endpoints);
    if (ring.points.length === 0) return undefined;
    return ring.endpoints[ring.owners[lowerBound(ring.points, hash32(key))]!];
  }

  pick(request: PickRequest): Endpoint | undefined {
    const header = this.header;
    const key = header === undefined ? undefined : request.headers[header];
    if (key === undefined || key === "") {
      const c = this.#context;
      if (c.wants("balancer_fallback")) {
        c.emit("balancer_fallback", { balancer: this.name, reason: header === undefined ? "no_hash_header_configured" : "missing_header", header, operation: request.operation, fallback: "round_robin" });
      }
      return this.#fallback.next(request);
    }
    const ring = this.#ringFor(request.endpoints);
    const { points, owners, endpoints } = ring;
    if (points.length === 0) return undefined;
    const start = lowerBound(points, hash32(key));
    const owner = endpoints[owners[start]!]!;
    const previous = request.previous;
    if (previous === undefined || (!request.tried(owner) && request.available(owner))) return owner;
    // A retry: walk on along the ring to the endpoint the call wants most (untried and admitted first).
    let best = owner;
    let bestRank = retryRank(request, owner, previous.origin);
    for (let k = 1; k < points.length && bestRank > 0; k++) {
      const i = start + k < points.length ? start + k : start + k - points.length;
      const e = endpoints[owners[i]!]!;
      if (e === best) continue;
      const rank = retryRank(request, e, previous.origin);
      if (rank < bestRank) {
        best = e;
        bestRank = rank;
      }
    }
    return best;
  }

  onEndpoints(endpoints: readonly Endpoint[]): void {
    this.#ring = buildRing(endpoints);
  }

  #ringFor(endpoints: readonly Endpoint[]): Ring {
    let ring = this.#ring;
    if (ring === undefined || ring.endpoints !== endpoints) ring = this.#ring = buildRing(endpoints);
    return ring;
  }
}
