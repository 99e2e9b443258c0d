// Upper bounds of the mesh's pauses between tries, for sizing per-try timeouts and for the timeout lint. The
// client's pauses are the runtime's own rule (src/runtime/backoff.ts totalBackoffMs).
import type { MeshKind } from "../model/types.js";

/**
 * Envoy (Istio) waits a random time in [0, (2^n - 1) × 25 ms] before retry n, capped at 250 ms (its defaults; Istio
 * does not expose them). Linkerd retries at once.
 */
export function meshBackoffMs(kind: MeshKind, retries: number): number {
  if (kind !== "istio") return 0;
  let total = 0;
  for (let n = 1; n <= retries; n++) total += Math.min((2 ** n - 1) * 25, 250);
  return total;
}

/** The longest per-try timeout that lets every try and pause fit the route timeout (at least 1 ms). */
export function fittingPerTryMs(kind: MeshKind, routeTimeoutMs: number, retries: number): number {
  return Math.max(1, Math.floor((routeTimeoutMs - meshBackoffMs(kind, retries)) / (retries + 1)));
}
