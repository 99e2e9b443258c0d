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
