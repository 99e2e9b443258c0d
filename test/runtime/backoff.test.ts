// Pause arithmetic in whole milliseconds (the numbers every port of the failover fixture must agree on).
import { describe, expect, it } from "vitest";
import { backoffCeiling, backoffPause } from "../../src/runtime/backoff.js";
import { retryDefaults } from "./support/service.js";

const none = { ...retryDefaults, initialBackoffMs: 100, maxBackoffMs: 1000, jitter: "none" as const };
const full = { ...none, jitter: "full" as const };

describe("backoff", () => {
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 800],
    [5, 1000],
    [1000, 1000],
  ])("ceiling(%i) = %i", (k, want) => {
    expect(backoffCeiling(none, k)).toBe(want);
  });

  it.each([
    ["no jitter ignores the draw", none, 3, 0.9, 400],
    ["full jitter at k=1 has nothing to spread", full, 1, 0.99, 100],
    ["full jitter never goes below the initial backoff", full, 3, 0, 100],
    ["full jitter 0.25", full, 3, 0.25, 175],
    ["full jitter 0.5", full, 3, 0.5, 250],
    ["full jitter 0.999 floors", full, 3, 0.999, 399],
    ["a draw of 1 stays below the ceiling", full, 3, 1, 399],
    ["a negative draw counts as 0", full, 3, -1, 100],
    ["NaN counts as 0", full, 3, Number.NaN, 100],
    ["capped ceiling", full, 20, 0.5, 550],
    ["initial above max drops the floor to the cap", { ...full, initialBackoffMs: 500, maxBackoffMs: 200 }, 4, 0.9, 200],
  ] as const)("%s", (_name, settings, k, draw, want) => {
    expect(backoffPause(settings, k, draw)).toBe(want);
  });
});
