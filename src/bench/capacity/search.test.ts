import { describe, expect, it } from 'vitest';
import { searchCapacity } from './search.js';

/** A system whose thresholds hold up to `capacity` requests/s, exactly. */
const knownCapacity = (capacity: number) => async (rate: number) => rate <= capacity;

describe('capacity search', () => {
  it.each([137, 1234, 9_999, 47_000])('finds a known capacity of %i req/s within 5 %', async (capacity) => {
    const result = await searchCapacity({ startRate: 250, tolerance: 0.05, maxSteps: 30 }, knownCapacity(capacity));
    expect(result.stoppedBy).toBe('converged');
    expect(result.passed).toBeLessThanOrEqual(capacity);
    expect(result.passed).toBeGreaterThanOrEqual(capacity * 0.95);
    expect(result.failed).toBeGreaterThan(capacity);
    // Up by doubling first, then halving the bracket: no probe is wasted above a failure.
    const firstFailure = result.steps.findIndex((s) => !s.passed);
    expect(result.steps.slice(0, firstFailure).map((s) => s.rate)).toEqual(result.steps.slice(0, firstFailure).map((_, i) => 250 * 2 ** i));
  });

  it('bisects below the start when the first step already fails', async () => {
    const result = await searchCapacity({ startRate: 1000, tolerance: 0.05, maxSteps: 30 }, knownCapacity(90));
    expect(result.steps[0]).toEqual({ rate: 1000, passed: false });
    expect(result.passed).toBeGreaterThanOrEqual(90 * 0.95);
    expect(result.passed).toBeLessThanOrEqual(90);
  });

  it('stops at the budget with the bracket it has, and on an interrupt', async () => {
    const bounded = await searchCapacity({ startRate: 100, tolerance: 0.05, maxSteps: 3 }, knownCapacity(5000));
    expect(bounded).toMatchObject({ stoppedBy: 'budget', passed: 400, failed: null });
    expect(bounded.steps).toHaveLength(3);
    let calls = 0;
    const interrupted = await searchCapacity({ startRate: 100, tolerance: 0.05, maxSteps: 10 }, async () => (++calls === 2 ? null : true));
    expect(interrupted).toMatchObject({ stoppedBy: 'interrupted', passed: 100, steps: [{ rate: 100, passed: true }] });
  });

  it('refuses settings it cannot search with', async () => {
    await expect(searchCapacity({ startRate: 0, tolerance: 0.05, maxSteps: 3 }, knownCapacity(1))).rejects.toThrow(RangeError);
    await expect(searchCapacity({ startRate: 10, tolerance: 1, maxSteps: 3 }, knownCapacity(1))).rejects.toThrow(RangeError);
  });
});
