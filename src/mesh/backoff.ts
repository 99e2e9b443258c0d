// Per-try timeouts sized so every try and the mesh's pauses fit the route timeout. Each mesh states its own pauses
// (MeshRules.backoffMs); the client's are the runtime's rule (src/runtime/backoff.ts totalBackoffMs).
import type { MeshRules } from "./rules.js";

/** The longest per-try timeout that lets every try and pause fit the route timeout (at least 1 ms). */
export function fittingPerTryMs(rules: MeshRules | undefined, routeTimeoutMs: number, retries: number): number {
  const backoff = rules?.backoffMs(retries) ?? 0;
  return Math.max(1, Math.floor((routeTimeoutMs - backoff) / (retries + 1)));
}
