import type { Pool, PoolConnection } from 'mysql2/promise';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Database, type DatabaseObserver, type PoolExhaustion } from './database.js';
import type { DependencyName } from './errors.js';
import { ServiceError } from './errors.js';
import { createMetrics } from './metrics.js';
import { WAITS } from './waits.js';

/** What the database reported to its observer, in order. */
function observed() {
  const reports: string[] = [];
  const observer: DatabaseObserver = {
    failed: (db: DependencyName, reason: string) => void reports.push(`failed ${db}: ${reason}`),
    answered: (db: DependencyName) => void reports.push(`answered ${db}`),
    poolExhausted: (db: DependencyName, cause: PoolExhaustion) => void reports.push(`exhausted ${db} ${cause}`),
  };
  return { observer, reports };
}

const mysqlError = (code: string, fatal = false) => Object.assign(new Error(code), { code, fatal });

/** A pool whose connects are refused while `refused()` says so; its connection's query does what `query` says. */
function pool(refused: () => boolean, query: () => Promise<unknown>): Pool {
  const connection = { query, release: () => undefined, destroy: () => undefined } as unknown as PoolConnection;
  return {
    getConnection: () => (refused() ? Promise.reject(mysqlError('ECONNREFUSED')) : Promise.resolve(connection)),
  } as unknown as Pool;
}

const answers = () => Promise.resolve([[], []]);

describe('what a Database tells its observer', () => {
  afterEach(() => vi.useRealTimers());

  it('a refused connect is a failure with its reason, a use that succeeds an answer', async () => {
    const { observer, reports } = observed();
    let refuse = true;
    const db = new Database('primary', pool(() => refuse, answers), createMetrics(), observer);
    const error = await db.query('SELECT 1').catch((e: unknown) => e);
    expect([(error as ServiceError).code, (error as ServiceError).dependency]).toEqual(['unavailable', 'primary']);
    refuse = false;
    await db.query('SELECT 1');
    expect(reports).toEqual(['failed primary: ECONNREFUSED', 'answered primary']);
  });

  it('a server error (a duplicate key, a lock wait) is no loss: the server answered', async () => {
    const { observer, reports } = observed();
    for (const code of ['ER_DUP_ENTRY', 'ER_LOCK_WAIT_TIMEOUT']) {
      const db = new Database('replica', pool(() => false, () => Promise.reject(mysqlError(code))), createMetrics(), observer);
      await db.query('SELECT 1').catch(() => undefined);
    }
    expect(reports).toEqual([]);
  });

  it('a connection lost in a use is a failure', async () => {
    const { observer, reports } = observed();
    const db = new Database('replica', pool(() => false, () => Promise.reject(mysqlError('PROTOCOL_CONNECTION_LOST', true))), createMetrics(), observer);
    await db.query('SELECT 1').catch(() => undefined);
    expect(reports).toEqual(['failed replica: PROTOCOL_CONNECTION_LOST']);
  });

  it('a pool wait that runs out is the pool exhausted, answered busy naming the database; the connect that fails later is a failure', async () => {
    vi.useFakeTimers();
    const { observer, reports } = observed();
    let failLate: (error: Error) => void = () => undefined;
    const late = { getConnection: () => new Promise((_resolve, reject) => (failLate = reject)) } as unknown as Pool;
    const db = new Database('primary', late, createMetrics(), observer);
    const answer = db.query('SELECT 1').catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(WAITS.poolWaitMs + 1);
    const error = (await answer) as ServiceError;
    expect([error.code, error.dependency]).toEqual(['busy', 'primary']);
    failLate(mysqlError('ETIMEDOUT'));
    await vi.advanceTimersByTimeAsync(1);
    expect(reports).toEqual(['exhausted primary wait_timeout', 'failed primary: ETIMEDOUT']);
  });

  it('a use cut off by its deadline is a loss only when nothing answered for as long', async () => {
    vi.useFakeTimers();
    const { observer, reports } = observed();
    let stall = false;
    const db = new Database('primary', pool(() => false, () => (stall ? new Promise(() => undefined) : answers())), createMetrics(), observer);
    // Busy, not lost: a slow use is cut off while another answered within the deadline.
    await db.query('SELECT 1');
    stall = true;
    const slow = db.query('SELECT SLEEP(10)').catch(() => undefined);
    await vi.advanceTimersByTimeAsync(WAITS.databaseUseMs / 2);
    stall = false;
    await db.query('SELECT 1');
    await vi.advanceTimersByTimeAsync(WAITS.databaseUseMs);
    await slow;
    expect(reports).toEqual(['answered primary', 'answered primary']);
    // Stalled: nothing answered for the whole deadline.
    await vi.advanceTimersByTimeAsync(WAITS.databaseUseMs);
    stall = true;
    const stalled = db.query('SELECT 1').catch(() => undefined);
    await vi.advanceTimersByTimeAsync(WAITS.databaseUseMs + 1);
    await stalled;
    expect(reports.slice(2)).toEqual([`failed primary: a use of a connection got no answer within ${WAITS.databaseUseMs} ms`]);
  });
});
