// Rules about timeouts that leave no room for the tries they should cover.
import { meshFor } from "../emit/yaml/meshes/index.js";
import { formatDuration } from "../mesh/duration.js";
import type { RoutePolicy } from "../model/types.js";
import { totalBackoffMs } from "../runtime/backoff.js";
import type { Rule } from "./context.js";

function routes(ctx: Parameters<Rule>[0]): Array<{ label: string; policy: RoutePolicy }> {
  const policies = ctx.mesh.policies;
  return [
    { label: "the service's route", policy: policies.defaults },
    ...policies.groups.map((g) => ({
      label: `the route of ${[...g.operations, ...g.grpcMethods.map((m) => `${m.service}/${m.method}`)].join(", ")}`,
      policy: g.policy,
    })),
  ];
}

/** SVC103: the tries and pauses cannot all fit the overall timeout. */
export const triesExceedTimeout: Rule = (ctx) => {
  const { service, mesh, report } = ctx;
  if (mesh.kind === "none") return;
  for (const { label, policy } of routes(ctx)) {
    const r = policy.retries;
    if (r.attempts === 0 || r.perTryTimeoutMs === undefined) continue;
    const tries = r.attempts + 1;
    const backoff = meshFor(mesh.kind)?.backoffMs(r.attempts) ?? 0;
    const total = tries * r.perTryTimeoutMs + backoff;
    if (total > policy.timeoutMs) {
      report(
        "SVC103",
        `${tries} mesh tries × ${formatDuration(r.perTryTimeoutMs)} per try + ${formatDuration(backoff)} backoff = ${formatDuration(total)}, over the ${formatDuration(policy.timeoutMs)} timeout of ${label}: the last tries are cut off`,
        "mesh.retries.per_try_timeout_ms",
        "mesh.retries",
        "mesh.timeout_ms",
      );
    }
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
  for (const { label, policy } of routes(ctx)) {
    const perTry = policy.retries.perTryTimeoutMs;
    if (policy.retries.attempts === 0 || perTry === undefined || perTry <= policy.timeoutMs) continue;
    ctx.report(
      "SVC104",
      `mesh per-try timeout ${formatDuration(perTry)} is above the ${formatDuration(policy.timeoutMs)} timeout of ${label}`,
      "mesh.retries.per_try_timeout_ms",
      "mesh.retries",
    );
  }
};
