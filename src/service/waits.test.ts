import { describe, expect, it } from 'vitest';
import { ANSWER_MARGIN_MS, APP_LONGEST_ANSWER_MS, LB_READ_TIMEOUT_MS, LOCK_TTL_MS, PURCHASE_QUEUE_BUDGET_MS, WAITS } from './waits.js';

describe('the app\'s waits', () => {
  it('end a row-lock wait (503 busy, nothing sold) before the use deadline (503 unavailable, unknown)', () => {
    expect(Number.isInteger(WAITS.rowLockWaitS)).toBe(true);
    expect(WAITS.rowLockWaitS * 1000).toBeLessThan(WAITS.databaseUseMs);
  });

  it('keep a seed lock alive past its holder\'s longest use, and answer within the longest answer', () => {
    expect(LOCK_TTL_MS).toBeGreaterThan(2 * WAITS.redisCommandMs + WAITS.poolWaitMs + WAITS.databaseUseMs);
    expect(APP_LONGEST_ANSWER_MS).toBeGreaterThanOrEqual(WAITS.lockWaitMs + WAITS.poolWaitMs + WAITS.databaseUseMs);
  });

  it('let nginx wait for a purchase that waited its whole budget and then took its longest, with a margin, short of the client', () => {
    // The bound the app's waits add up to: the lock or group, the pool, the transaction.
    const longest = Math.max(WAITS.lockWaitMs, WAITS.batchWaitMs) + WAITS.poolWaitMs + WAITS.databaseUseMs;
    expect(PURCHASE_QUEUE_BUDGET_MS).toBeGreaterThanOrEqual(1000);
    expect(ANSWER_MARGIN_MS).toBeGreaterThanOrEqual(500);
    expect(PURCHASE_QUEUE_BUDGET_MS + longest + ANSWER_MARGIN_MS).toBeLessThanOrEqual(LB_READ_TIMEOUT_MS);
    expect(LB_READ_TIMEOUT_MS).toBeLessThan(10_000);
  });
});
