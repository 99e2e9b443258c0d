// load_balancer = "failover": an ordered set with a sticky preference, exactly as endpoint-failover-v1.json says.
//   - A call starts at the preferred endpoint (endpoint 0 until something answers).
//   - A rotation goes to the next endpoint in order, wrapping around; a refused endpoint (open breaker) is passed over
//     the same way. Same-endpoint retries never reach the balancer (the pick layer keeps the endpoint).
//   - Sticky preference: a response whose status is not a rotation status for the request moves later calls to that
//     endpoint; transport failures and rotation statuses never do.
import type { Endpoint } from "../endpoints.js";
import type { AttemptResult, Balancer, EndpointChange, PickRequest } from "../types.js";

export class FailoverBalancer implements Balancer {
  readonly name = "failover";
  readonly failover = true;
  #preferred: string | undefined;

  /** The endpoint the next call starts at. */
  preferred(endpoints: readonly Endpoint[]): Endpoint | undefined {
    const origin = this.#preferred;
    if (origin !== undefined) for (const e of endpoints) if (e.origin === origin) return e;
    return endpoints[0];
  }

  pick(request: PickRequest): Endpoint | undefined {
    const endpoints = request.endpoints;
    const previous = request.previous;
    if (previous === undefined) return this.preferred(endpoints);
    let at = -1;
    for (let i = 0; i < endpoints.length; i++) {
      if (endpoints[i]!.origin === previous.origin) {
        at = i;
        break;
      }
    }
    return endpoints[(at + 1) % endpoints.length];
  }

  onResult(endpoint: Endpoint, result: AttemptResult): void {
    if (result.kind === "response" && !result.rotate) this.#preferred = endpoint.origin;
  }

  onEndpoints(_endpoints: readonly Endpoint[], change: EndpointChange): void {
    if (change.removed.some((e) => e.origin === this.#preferred)) this.#preferred = undefined;
  }
}
