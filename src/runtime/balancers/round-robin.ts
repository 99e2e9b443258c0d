// load_balancer = "round_robin" (the seed's): each call starts at the next endpoint in turn; a retry goes to an
// endpoint this call has not tried yet.
import { RoundRobinCursor } from "./cursor.js";
import type { Endpoint } from "../endpoints.js";
import type { Balancer, PickRequest } from "../types.js";

export class RoundRobinBalancer implements Balancer {
  readonly name = "round_robin";
  readonly #cursor = new RoundRobinCursor();

  pick(request: PickRequest): Endpoint | undefined {
    return this.#cursor.next(request);
  }
}
