import { describe, expect, it } from "vitest";
import { editDistance, suggest } from "../../src/config/suggest.js";

describe("editDistance", () => {
  it.each([
    ["retry", "retry", 0],
    ["retyr", "retry", 1],
    ["retr", "retry", 1],
    ["rettry", "retry", 1],
    ["timeout_ms", "timout_ms", 1],
    ["kitten", "sitting", 3],
    ["", "abc", 3],
  ])("%s → %s = %i", (a, b, want) => {
    expect(editDistance(a, b)).toBe(want);
    expect(editDistance(b, a)).toBe(want);
  });
});

describe("suggest", () => {
  const keys = ["retry", "timeout_ms", "connect_timeout_ms", "url", "load_balancer", "discovery"];
  it.each([
    ["retyr", "retry"],
    ["Timeout_MS", "timeout_ms"],
    ["timeout", "timeout_ms"],
    ["uri", "url"],
    ["loadbalancer", "load_balancer"],
    ["discover", "discovery"],
    ["colour", undefined],
    ["x", undefined],
    ["time", undefined],
  ])("%s → %s", (word, want) => {
    expect(suggest(word, keys)).toBe(want);
  });

  it("breaks ties alphabetically", () => {
    expect(suggest("ab", ["ac", "aa"])).toBe("aa");
  });
});
