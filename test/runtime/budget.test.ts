import { describe, expect, it } from "vitest";
import { RetryBudget } from "../../src/runtime/budget.js";

function drain(budget: RetryBudget, now: number): number {
  let n = 0;
  while (budget.tryWithdraw(now) && n < 100_000) n++;
  return n;
}

describe("retry budget", () => {
  it("allows the per-second floor over the window when there is no traffic", () => {
    expect(drain(new RetryBudget(0.2, 10, 10_000), 0)).toBe(100);
  });

  it("adds ratio × recent calls on top of the floor", () => {
    const budget = new RetryBudget(0.2, 10, 10_000);
    for (let i = 0; i < 1000; i++) budget.deposit(0);
    expect(drain(budget, 0)).toBe(300);
  });

  it("forgets calls and retries that left the window", () => {
    const budget = new RetryBudget(0.2, 0, 10_000);
    for (let i = 0; i < 100; i++) budget.deposit(0);
    expect(drain(budget, 0)).toBe(20);
    expect(budget.tryWithdraw(5_000)).toBe(false);
    // Both the deposits and the withdrawals are older than the window now.
    expect(budget.tryWithdraw(20_000)).toBe(false);
    for (let i = 0; i < 10; i++) budget.deposit(20_000);
    expect(drain(budget, 20_000)).toBe(2);
  });
});
