// The built-in balancer for a `load_balancer` kind. All of them implement the public Balancer interface (types.ts),
// the same one a user passes as ClientOptions.balancer.
import { ConsistentHashBalancer } from "./consistent-hash.js";
import { FailoverBalancer } from "./failover.js";
import { HealthAwareBalancer } from "./health-aware.js";
import { LeastRequestBalancer } from "./least-request.js";
import { RoundRobinBalancer } from "./round-robin.js";
import type { Balancer, BalancerContext, HealthCheckOptions, LoadBalancerKind } from "../types.js";

export interface BuiltinBalancerOptions {
  /** consistent_hash: the request header to hash (lower-case). */
  readonly hashHeader: string | undefined;
  /** health_aware: probe settings. */
  readonly healthCheck: HealthCheckOptions | undefined;
}

export function createBalancer(kind: LoadBalancerKind, context: BalancerContext, options: BuiltinBalancerOptions): Balancer {
  switch (kind) {
    case "round_robin":
      return new RoundRobinBalancer();
    case "health_aware":
      return new HealthAwareBalancer(context, options.healthCheck);
    case "consistent_hash":
      return new ConsistentHashBalancer(context, options.hashHeader);
    case "least_request":
      return new LeastRequestBalancer(context);
    case "failover":
      return new FailoverBalancer();
    default:
      // A definition from a newer generator: round-robin rather than failing.
      return new RoundRobinBalancer();
  }
}
