import { describe, expect, it } from 'vitest';
import { APP_LONGEST_ANSWER_MS, LOCK_TTL_MS, WAITS } from './waits.js';

describe('the app\'s waits', () => {
  it('end a row-lock wait (503 busy, nothing sold) before the use deadline (503 unavailable, unknown)', () => {
    expect(Number.isInteger(WAITS.rowLockWaitS)).toBe(true);
    expect(WAITS.rowLockWaitS * 1000).toBeLessThan(WAITS.databaseUseMs);
  });

  it('keep a seed lock alive past its holder\'s longest use, and answer within the longest answer', () => {
    expect(LOCK_TTL_MS).toBeGreaterThan(2 * WAITS.redisCommandMs + WAITS.poolWaitMs + WAITS.databaseUseMs);
    expect(APP_LONGEST_ANSWER_MS).toBeGreaterThanOrEqual(WAITS.lockWaitMs + WAITS.poolWaitMs + WAITS.databaseUseMs);
  });
});
