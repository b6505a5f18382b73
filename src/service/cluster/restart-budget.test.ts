import { describe, expect, it } from 'vitest';
import { RestartBudget } from './restart-budget.js';

describe('RestartBudget', () => {
  it('allows `limit` restarts within the window, then refuses', () => {
    const budget = new RestartBudget(3, 10_000);
    expect([0, 100, 200, 300].map((t) => budget.allow(t))).toEqual([true, true, true, false]);
  });

  it('allows again once earlier restarts leave the window', () => {
    const budget = new RestartBudget(2, 10_000);
    expect(budget.allow(0)).toBe(true);
    expect(budget.allow(5_000)).toBe(true);
    expect(budget.allow(9_999)).toBe(false);
    expect(budget.allow(10_000)).toBe(true);
    expect(budget.allow(14_999)).toBe(false);
    expect(budget.allow(15_000)).toBe(true);
  });

  it('a refused restart does not count', () => {
    const budget = new RestartBudget(1, 1_000);
    expect(budget.allow(0)).toBe(true);
    expect(budget.allow(500)).toBe(false);
    expect(budget.allow(1_000)).toBe(true);
  });
});
