// Rules about timeouts that leave no room for the tries they should cover.
import { meshFor } from "../emit/yaml/meshes/index.js";
import { formatDuration } from "../mesh/duration.js";
import type { RoutePolicy } from "../model/types.js";
import { totalBackoffMs } from "../runtime/backoff.js";
import type { Rule } from "./context.js";

interface Route {
  /** Undefined for the service's own route. */
  operations?: string[];
  policy: RoutePolicy;
}

function routes(ctx: Parameters<Rule>[0]): Route[] {
  const policies = ctx.mesh.policies;
  return [
    { policy: policies.defaults },
    ...policies.groups.map((g) => ({
      operations: [...g.operations, ...g.grpcMethods.map((m) => `${m.service}/${m.method}`)],
      policy: g.policy,
    })),
  ];
}

/**
 * Routes with the same problem, keyed by the figures a finding prints: a route of operations that differs from the
 * service's only in what it retries (a POST retried on connect failures alone) shares the service's timeouts, and
 * one finding names both.
 */
function sameProblem<T>(found: Array<{ route: Route; key: T }>): Array<{ key: T; routes: Route[] }> {
  const byKey = new Map<string, { key: T; routes: Route[] }>();
  for (const { route, key } of found) {
    const id = JSON.stringify(key);
    const group = byKey.get(id) ?? { key, routes: [] };
    group.routes.push(route);
    byKey.set(id, group);
  }
  return [...byKey.values()];
}

/** "the service's route and the route of getUser", "the routes of a, b". */
function label(routes: readonly Route[]): string {
  const parts: string[] = [];
  if (routes.some((r) => r.operations === undefined)) parts.push("the service's route");
  const own = routes.filter((r) => r.operations !== undefined);
  if (own.length > 0) parts.push(`the route${own.length === 1 ? "" : "s"} of ${own.flatMap((r) => r.operations!).join(", ")}`);
  return parts.join(" and ");
}

/** SVC103: the tries and pauses cannot all fit the overall timeout. */
export const triesExceedTimeout: Rule = (ctx) => {
  const { service, mesh, report } = ctx;
  if (mesh.kind === "none") return;
  const over = routes(ctx).flatMap((route) => {
    const r = route.policy.retries;
    if (r.attempts === 0 || r.perTryTimeoutMs === undefined) return [];
    const tries = r.attempts + 1;
    const backoff = meshFor(mesh.kind)?.backoffMs(r.attempts) ?? 0;
    const total = tries * r.perTryTimeoutMs + backoff;
    const timeout = route.policy.timeoutMs;
    return total > timeout ? [{ route, key: { tries, perTry: r.perTryTimeoutMs, backoff, total, timeout } }] : [];
  });
  for (const { key, routes: same } of sameProblem(over)) {
    const { tries, perTry, backoff, total, timeout } = key;
    report(
      "SVC103",
      `${tries} mesh tries × ${formatDuration(perTry)} per try + ${formatDuration(backoff)} backoff = ${formatDuration(total)}, over the ${formatDuration(timeout)} timeout of ${label(same)}: the last tries are cut off`,
      "mesh.retries.per_try_timeout_ms",
      "mesh.retries",
      "mesh.timeout_ms",
    );
  }
  // With the client retrying, a shorter mesh timeout cuts each client attempt: the client's tries must fit too.
  const retry = service.policy.retry;
  if (mesh.retryOwner === "client" && retry.maxAttempts > 1 && mesh.timeoutExplicit && mesh.timeoutMs < service.policy.timeoutMs) {
    const backoff = totalBackoffMs(retry, retry.maxAttempts);
    const total = retry.maxAttempts * mesh.timeoutMs + backoff;
    if (total > service.policy.timeoutMs) {
      report(
        "SVC103",
        `${retry.maxAttempts} client attempts × ${formatDuration(mesh.timeoutMs)} (mesh.timeout_ms) + ${formatDuration(backoff)} backoff = ${formatDuration(total)}, over the client's ${formatDuration(service.policy.timeoutMs)} timeout: the last attempts are cut off`,
        "mesh.timeout_ms",
        "timeout_ms",
      );
    }
  }
};

/** SVC104: a per-try timeout the route timeout never lets a try reach. */
export const perTryAboveRoute: Rule = (ctx) => {
  if (ctx.mesh.kind === "none") return;
  const above = routes(ctx).flatMap((route) => {
    const { retries, timeoutMs } = route.policy;
    const perTry = retries.perTryTimeoutMs;
    return retries.attempts === 0 || perTry === undefined || perTry <= timeoutMs ? [] : [{ route, key: { perTry, timeout: timeoutMs } }];
  });
  for (const { key, routes: same } of sameProblem(above)) {
    ctx.report(
      "SVC104",
      `mesh per-try timeout ${formatDuration(key.perTry)} is above the ${formatDuration(key.timeout)} timeout of ${label(same)}`,
      "mesh.retries.per_try_timeout_ms",
      "mesh.retries",
    );
  }
};
