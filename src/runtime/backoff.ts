// Pauses between attempts, in whole milliseconds so every port of the failover fixture computes the same numbers.
// ceiling(k) = min(max, initial · 2^(k-1)); full jitter draws in [min(initial, ceiling), ceiling] (never near zero, so
// a deadline bounds the attempt count through the floor); no jitter takes the ceiling.
import type { RetrySettings } from "./types.js";

/** The largest double below 1: a draw of exactly 1 must not reach past the ceiling. */
const DRAW_MAX = 1 - Number.EPSILON / 2;

export function backoffCeiling(settings: RetrySettings, k: number): number {
  const exponent = Math.max(0, k - 1);
  // 2^exponent overflows to Infinity for huge k; min() then takes the cap.
  return Math.min(settings.maxBackoffMs, settings.initialBackoffMs * 2 ** exponent);
}

/** The k-th computed pause (k from 1) with jitter draw `draw` in [0, 1). */
export function backoffPause(settings: RetrySettings, k: number, draw: number): number {
  const ceiling = Math.floor(backoffCeiling(settings, k));
  if (settings.jitter === "none") return ceiling;
  const floor = Math.min(Math.floor(settings.initialBackoffMs), ceiling);
  const d = Number.isNaN(draw) ? 0 : Math.min(Math.max(draw, 0), DRAW_MAX);
  return floor + Math.min(ceiling - floor, Math.floor((ceiling - floor) * d));
}

/** A pause may be taken only if it ends strictly before the deadline. */
export function fitsBefore(pauseMs: number, remainingMs: number): boolean {
  return pauseMs < remainingMs;
}

/** The pauses' ceilings between `attempts` tries, summed: the most a call can spend waiting between attempts. */
export function totalBackoffMs(settings: RetrySettings, attempts: number): number {
  let total = 0;
  for (let k = 1; k < attempts; k++) total += Math.floor(backoffCeiling(settings, k));
  return total;
}

/** Attempts that share a deadline in attemptShareMs: more would make each too short to be useful. */
export const SHARED_ATTEMPTS_MAX = 3;

/**
 * The default bound on one attempt when `attempt_timeout_ms` is unset and timeouts are retried: an equal share of the
 * deadline after the pauses (at least half of it), among max_attempts but at most SHARED_ATTEMPTS_MAX attempts, so a
 * stalled attempt leaves time for a retry (as the mesh's per-try timeout, mesh/backoff.ts). Infinity for an unbounded deadline; at least 1 ms.
 */
export function attemptShareMs(timeoutMs: number, settings: RetrySettings): number {
  if (!Number.isFinite(timeoutMs)) return Infinity;
  const attempts = Math.min(SHARED_ATTEMPTS_MAX, Math.max(1, Math.floor(settings.maxAttempts)));
  // Pauses that would eat most of a short deadline (250 ms against 100 + 200 ms of backoff) leave the attempts half.
  const forAttempts = Math.max(timeoutMs - totalBackoffMs(settings, attempts), timeoutMs / 2);
  return Math.max(1, Math.floor(forAttempts / attempts));
}
