// A call's cursor over the endpoint set: what the balancer sees (PickRequest). One object per call, reused across its
// attempts; the pick layer records where attempts went. Whether the next attempt moves on (a rotation outcome) or
// stays (a same-endpoint retry) travels forward on the attempt's Exchange, not here. An operation with its own absolute
// server (servers.ts) has a `fixed` endpoint: the pick layer sends every attempt there and asks no balancer.
import type { Endpoint } from "./endpoints.js";
import type { FixedEndpoint } from "./servers.js";
import type { EndpointSet } from "./discovery/set.js";
import type { PickRequest } from "./types.js";

const NONE: readonly Endpoint[] = [];

export class CallRoute implements PickRequest {
  readonly operation: string;
  readonly headers: Readonly<Record<string, string>>;
  attempt = 0;
  endpoints: readonly Endpoint[] = NONE;
  previous: Endpoint | undefined = undefined;
  readonly fixed: FixedEndpoint | undefined;
  readonly #set: EndpointSet;
  // Origins used or refused; the first kept apart so a call that needs one attempt allocates no array.
  #first: string | undefined;
  #more: string[] | undefined;

  constructor(operation: string, headers: Readonly<Record<string, string>>, set: EndpointSet, fixed?: FixedEndpoint) {
    this.operation = operation;
    this.headers = headers;
    this.#set = set;
    this.fixed = fixed;
  }

  /** Endpoints in the set now (the failover cycle length); a fixed endpoint is a set of one (no rotation). */
  get size(): number {
    return this.fixed === undefined ? this.#set.endpoints.length : 1;
  }

  tried(endpoint: Endpoint): boolean {
    const origin = endpoint.origin;
    if (this.#first === origin) return true;
    const more = this.#more;
    if (more === undefined) return false;
    for (let i = 0; i < more.length; i++) if (more[i] === origin) return true;
    return false;
  }

  available(endpoint: Endpoint): boolean {
    return this.#set.available(endpoint.origin);
  }

  /** The call used `endpoint`, or was refused it: it is `previous` for the next pick. */
  mark(endpoint: Endpoint): void {
    this.previous = endpoint;
    if (this.#first === undefined) this.#first = endpoint.origin;
    else if (!this.tried(endpoint)) (this.#more ??= []).push(endpoint.origin);
  }
}
