// `svcgen lint`: retry/timeout/naming/NetworkPolicy findings with stable codes (src/lint/codes.ts) at their TOML positions.
// Pure: reads the model only (each service's mesh is resolved in it). All findings are warnings.
import type { Diagnostic, Model } from "../model/types.js";
import { type Rule, lintContext } from "./context.js";
import { profileWithAnnotations } from "./linkerd.js";
import { portNames, serviceNames } from "./names.js";
import { egressNamespaceUnknown, egressOutsideCluster, egressPortUnknown } from "./network-policy.js";
import { bothLayersRetry, grpcAttempts, meshGrpcStatuses, routeRetryBudget, unsafeMeshRetries, unusedClientRetry, unwantedMeshRetry } from "./retries.js";
import { hashHeaderNotSent, istioHashWithHeadless, linkerdHashing } from "./routing.js";
import { perTryAboveRoute, triesExceedTimeout } from "./timeouts.js";

export { LINT_CODES, type LintCode } from "./codes.js";

/** In code order, so findings for one service come out in a stable order. */
const RULES: readonly Rule[] = [
  bothLayersRetry,
  unsafeMeshRetries,
  triesExceedTimeout,
  perTryAboveRoute,
  istioHashWithHeadless,
  profileWithAnnotations,
  routeRetryBudget,
  grpcAttempts,
  meshGrpcStatuses,
  serviceNames,
  portNames,
  hashHeaderNotSent,
  unusedClientRetry,
  unwantedMeshRetry,
  linkerdHashing,
  egressOutsideCluster,
  egressPortUnknown,
  egressNamespaceUnknown,
];

export function lint(model: Model): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const service of model.services) {
    const ctx = lintContext(model, service, out);
    for (const rule of RULES) rule(ctx);
  }
  return out;
}
