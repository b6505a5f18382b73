import type { Pool, PoolConnection } from 'mysql2/promise';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Database } from './database.js';
import { ServiceError } from './errors.js';
import { createMetrics } from './metrics.js';
import { WAITS } from './waits.js';

/**
 * What a transaction's failures are answered, for failures a real MariaDB does not produce on
 * demand (a COMMIT refused, a ROLLBACK lost): a stand-in connection that records what was done
 * with it. The paths a real server produces (lock waits, deadlocks, a stopped server) are tested
 * against MariaDB in test/purchases.test.ts and test/service-behaviour.test.ts.
 */
function standIn(fail: { commit?: Error; rollback?: Error }) {
  const done: string[] = [];
  const connection = {
    beginTransaction: async () => void done.push('BEGIN'),
    commit: async () => {
      done.push('COMMIT');
      if (fail.commit) throw fail.commit;
    },
    rollback: async () => {
      done.push('ROLLBACK');
      if (fail.rollback) throw fail.rollback;
    },
    // A statement that runs until the test ends it (statementEnds).
    query: () => new Promise((resolve) => statementEnds.push(() => resolve([[], []]))),
    release: () => void done.push('released'),
    destroy: () => void done.push('destroyed'),
  };
  const pool = { getConnection: async () => connection as unknown as PoolConnection } as unknown as Pool;
  return { db: new Database('primary', pool, createMetrics()), done };
}

const statementEnds: (() => void)[] = [];

const mysqlError = (code: string) => Object.assign(new Error(code), { code });

describe('a transaction on the primary', () => {
  it('whose COMMIT fails, even with a lock error, is unavailable with an unknown outcome, and its connection is dropped', async () => {
    const { db, done } = standIn({ commit: mysqlError('ER_LOCK_DEADLOCK') });
    const error = await db.transaction(async () => 'ordered').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect([(error as ServiceError).code, (error as ServiceError).outcomeUnknown]).toEqual(['unavailable', true]);
    expect(done).toEqual(['BEGIN', 'COMMIT', 'destroyed']);
  });

  it('that a row lock gave up on is rolled back and busy, nothing sold; its connection goes back to the pool', async () => {
    const { db, done } = standIn({});
    const error = await db.transaction(async () => Promise.reject(mysqlError('ER_LOCK_WAIT_TIMEOUT'))).catch((e: unknown) => e);
    expect([(error as ServiceError).code, (error as ServiceError).outcomeUnknown]).toEqual(['busy', false]);
    expect(done).toEqual(['BEGIN', 'ROLLBACK', 'released']);
  });

  it('whose ROLLBACK fails keeps its own answer, but the connection is dropped, never pooled with the transaction open', async () => {
    const { db, done } = standIn({ rollback: mysqlError('PROTOCOL_CONNECTION_LOST') });
    const error = await db.transaction(async () => Promise.reject(mysqlError('ER_LOCK_WAIT_TIMEOUT'))).catch((e: unknown) => e);
    expect([(error as ServiceError).code, (error as ServiceError).outcomeUnknown]).toEqual(['busy', false]);
    expect(done).toEqual(['BEGIN', 'ROLLBACK', 'destroyed']);
  });

  describe('cut off by the use deadline', () => {
    afterEach(() => vi.useRealTimers());

    it('is answered unavailable at once, but its connection stays taken until its statement ends', async () => {
      vi.useFakeTimers();
      const { db, done } = standIn({});
      const answer = db.query('SELECT SLEEP(10)').catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(WAITS.databaseUseMs + 10);
      const error = await answer;
      expect([(error as ServiceError).code, (error as ServiceError).outcomeUnknown]).toEqual(['unavailable', true]);
      expect(done).not.toContain('destroyed');
      statementEnds.shift()?.();
      await vi.advanceTimersByTimeAsync(1);
      expect(done).toContain('destroyed');
    });

    it('and whose statement never ends is dropped after as long again', async () => {
      vi.useFakeTimers();
      const { db, done } = standIn({});
      const answer = db.query('SELECT SLEEP(60)').catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(WAITS.databaseUseMs + 10);
      expect((await answer as ServiceError).code).toBe('unavailable');
      expect(done).not.toContain('destroyed');
      await vi.advanceTimersByTimeAsync(WAITS.databaseUseMs);
      expect(done.filter((d) => d === 'destroyed')).toHaveLength(1);
      statementEnds.shift()?.();
      await vi.advanceTimersByTimeAsync(1);
      expect(done.filter((d) => d === 'destroyed')).toHaveLength(1);
    });
  });
});

describe('a primary pool that follows a failover', () => {
  afterEach(() => vi.useRealTimers());

  it('is told of a connect that failed after its waiter gave up (busy): a stalled primary is looked past even when every wait runs out first', async () => {
    vi.useFakeTimers();
    const noticed: unknown[] = [];
    // A connect to a paused or cut-off server: it fails only after the pool wait has run out.
    const pool = { getConnection: () => new Promise((_, reject) => setTimeout(() => reject(mysqlError('ETIMEDOUT')), WAITS.poolWaitMs + 500)) } as unknown as Pool;
    const db = new Database('primary', { pool: () => pool, noticed: (e: unknown) => void noticed.push(e), end: async () => {} }, createMetrics());
    const answer = db.query('SELECT 1').catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(WAITS.poolWaitMs + 10);
    expect(((await answer) as ServiceError).code).toBe('busy');
    expect(noticed).toEqual([]);
    await vi.advanceTimersByTimeAsync(500);
    expect(noticed.map((e) => (e as { code: string }).code)).toEqual(['ETIMEDOUT']);
  });
});
