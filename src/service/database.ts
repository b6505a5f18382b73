import type { Pool, PoolConnection } from 'mysql2/promise';
import { DeadlineExceeded, withDeadline } from '../async/deadline.js';
import { ServiceError, unavailable, type DependencyName } from './errors.js';
import type { PoolSource } from './database-pools.js';
import type { Metrics } from './metrics.js';
import type { RequestTiming } from './server-timing.js';
import { WAITS } from './waits.js';

/** How long a request may wait for a free connection before it is answered 503 busy. */
const POOL_WAIT_MS = WAITS.poolWaitMs;
/**
 * How long one use of a connection (a transaction, a query) may take. A server that stalls
 * after accepting a statement (stopped, disk hung) must not hold a request forever: past this
 * the request is answered 503, before nginx gives up (waits.ts), and the connection is destroyed
 * once its statement ends, or after as long again. A COMMIT cut off this way has an unknown
 * outcome, which the client ledger allows for.
 */
const USE_DEADLINE_MS = WAITS.databaseUseMs;

type MysqlError = Error & { code?: string; errno?: number; fatal?: boolean };

type DatabaseName = Extract<DependencyName, 'primary' | 'replica'>;

/** Why a request found no connection: it waited its whole bound, or too many were waiting already. */
export type PoolExhaustion = 'wait_timeout' | 'queue_full';

/** What a Database reports besides its answers (service-events.ts logs it). */
export interface DatabaseObserver {
  /** The server did not answer: no connection, a dropped one, a statement stalled. */
  failed(database: DatabaseName, reason: string): void;
  /** A use of a connection succeeded: the server answers. */
  answered(database: DatabaseName): void;
  poolExhausted(database: DatabaseName, cause: PoolExhaustion): void;
}

const UNOBSERVED: DatabaseObserver = { failed() {}, answered() {}, poolExhausted() {} };

/**
 * One database pool with a bounded wait for a connection, a gauge of connections in use, and
 * database failures turned into the service's answers: a dead server is 503 unavailable, lock
 * contention is 503 busy; anything else is a bug and stays an internal error.
 */
export class Database {
  private readonly source: PoolSource;

  constructor(
    readonly name: DatabaseName,
    pool: Pool | PoolSource,
    private readonly metrics: Metrics,
    private readonly observer: DatabaseObserver = UNOBSERVED,
  ) {
    this.source = 'noticed' in pool ? pool : { pool: () => pool, noticed() {}, end: () => pool.end() };
  }

  /** When a use last succeeded (performance.now()). */
  private lastAnswerAt = Number.NEGATIVE_INFINITY;

  /** Runs `use` on a pooled connection; with `timing`, the wait counts as `pool` and the use as `tx`. */
  async withConnection<T>(use: (connection: PoolConnection) => Promise<T>, timing?: RequestTiming): Promise<T> {
    const connection = timing === undefined ? await this.acquire() : await timing.time('pool', this.acquire());
    const got = performance.now();
    const inUse = this.metrics.poolInUse.labels(this.name);
    inUse.inc();
    let after: 'release' | 'destroy' | 'destroy-when-settled' = 'release';
    const using = use(connection);
    try {
      const result = await withDeadline(using, USE_DEADLINE_MS);
      this.lastAnswerAt = performance.now();
      this.observer.answered(this.name);
      return result;
    } catch (error) {
      this.observeFailure(error);
      this.source.noticed(error instanceof CommitFailed || error instanceof BrokenConnection ? error.cause : error);
      // A use cut off by the deadline is answered now, but its connection stays taken until its
      // statement ends on the server: destroyed at once, the pool would open another beside a
      // server thread still running the old statement, and the database would see more than
      // the pool's connections (C = 300 was passed by 1 on 2 cores, with a 3 s deadline).
      if (error instanceof DeadlineExceeded) after = 'destroy-when-settled';
      else if ((error as MysqlError).fatal === true || error instanceof CommitFailed || error instanceof BrokenConnection) after = 'destroy';
      const answer = translate(error, this.name);
      // Lost after statements may have run: whether they committed is unknown.
      if (answer instanceof ServiceError && answer.code === 'unavailable') answer.outcomeUnknown = true;
      throw answer;
    } finally {
      timing?.add('tx', performance.now() - got);
      // A connection that failed fatally, or was cut off, never goes back to the pool.
      if (after === 'destroy-when-settled') {
        // …but not past a second deadline: a server that stalls for good (stopped, cut off by a
        // partition) must not keep the pool's connections forever.
        let done = false;
        const settled = () => {
          if (done) return;
          done = true;
          clearTimeout(giveUp);
          inUse.dec();
          connection.destroy();
        };
        const giveUp = setTimeout(settled, USE_DEADLINE_MS);
        using.then(settled, settled);
      } else {
        inUse.dec();
        if (after === 'destroy') connection.destroy();
        else connection.release();
      }
    }
  }

  /**
   * Runs `use` in a transaction: committed when it returns, rolled back when it throws. A
   * pooled connection found dead at BEGIN (the server restarted since) is replaced once: nothing
   * has run yet, so trying again is safe.
   */
  async transaction<T>(use: (connection: PoolConnection) => Promise<T>, timing?: RequestTiming): Promise<T> {
    try {
      return await this.runTransaction(use, timing);
    } catch (error) {
      if (!(error instanceof StaleConnection)) throw error;
      return this.runTransaction(use, timing).catch((again: unknown) => {
        throw again instanceof StaleConnection ? unavailable(this.name, `${this.name} database`, again) : again;
      });
    }
  }

  private runTransaction<T>(use: (connection: PoolConnection) => Promise<T>, timing: RequestTiming | undefined): Promise<T> {
    return this.withConnection(async (connection) => {
      try {
        await connection.beginTransaction();
      } catch (error) {
        if ((error as MysqlError).fatal) throw Object.assign(new StaleConnection((error as Error).message), { fatal: true });
        throw error;
      }
      const result = await use(connection).catch(async (error: unknown) => {
        // A connection whose ROLLBACK failed may still hold the transaction: never pooled again.
        await connection.rollback().catch(() => {
          throw new BrokenConnection(error);
        });
        throw error;
      });
      try {
        await connection.commit();
      } catch (error) {
        // Whatever COMMIT answered (a lock or certification error included), it may have committed.
        throw new CommitFailed(error);
      }
      return result;
    }, timing);
  }

  async query<T>(sql: string, values: unknown[] = [], timing?: RequestTiming): Promise<T> {
    return this.withConnection(async (connection) => {
      const [rows] = await connection.query(sql, values);
      return rows as T;
    }, timing);
  }

  /** The server answered but is read-only: a primary's pool looks for the writable one. */
  foundReadOnly(): void {
    this.source.noticed({ errno: READ_ONLY_ERRNO });
  }

  close(): Promise<void> {
    return this.source.end();
  }

  private async acquire(): Promise<PoolConnection> {
    const pending = this.source.pool().getConnection();
    try {
      return await withDeadline(pending, POOL_WAIT_MS);
    } catch (error) {
      if (error instanceof DeadlineExceeded) {
        // It may still arrive: hand it straight back. Or its connect fails: the server is lost,
        // and a primary's pool looks for the writable server then too. Found by
        // scripts/prove-failover.mjs: with the primary paused or cut off, every wait ran out
        // before its connect failed (pool wait 1.5 s, connect timeout 2 s), nothing was
        // noticed, and the apps kept to the fenced server for 5–7 s after the new primary took
        // writes, until the old one came back read-only.
        pending.then(
          (c) => c.release(),
          (late: unknown) => {
            this.observeFailure(late);
            this.source.noticed(late);
          },
        );
        throw this.exhausted('wait_timeout', `no ${this.name} database connection free within ${POOL_WAIT_MS} ms`);
      }
      if (/queue limit/i.test((error as Error).message)) throw this.exhausted('queue_full', `too many requests waiting for a ${this.name} database connection`);
      this.observeFailure(error);
      this.source.noticed(error);
      throw unavailable(this.name, `${this.name} database`, error);
    }
  }

  private exhausted(cause: PoolExhaustion, message: string): ServiceError {
    this.metrics.poolWaitTimeouts.labels(this.name).inc();
    this.observer.poolExhausted(this.name, cause);
    return new ServiceError('busy', message, 1, this.name);
  }

  /** Tells the observer the server is lost when `error` says so; other failures say nothing of it. */
  private observeFailure(error: unknown): void {
    const reason = lostReason(error);
    if (reason === undefined) return;
    // Under overload one slow use is cut off while the server answers the others: a stall is a
    // lost server only when nothing answered for as long (else every slow use would flap it).
    if (error instanceof DeadlineExceeded && performance.now() - this.lastAnswerAt < USE_DEADLINE_MS) return;
    this.observer.failed(this.name, reason);
  }
}

/** A pooled connection that turned out dead before the transaction began. */
class StaleConnection extends Error {}

/** COMMIT failed: the transaction may or may not have committed. */
class CommitFailed extends Error {
  constructor(override readonly cause: unknown) {
    super(`COMMIT failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** The transaction failed (`cause`) and its ROLLBACK failed too: the connection is dropped. */
class BrokenConnection extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** ER_OPTION_PREVENTS_STATEMENT: the server runs read-only. */
const READ_ONLY_ERRNO = 1290;

const LOCK_CONTENTION = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

/**
 * Database failures as the service answers them. Network-level codes (ECONNREFUSED,
 * PROTOCOL_CONNECTION_LOST…) and fatal errors are 503 unavailable; lock contention is 503 busy;
 * server errors (ER_*) are bugs or data errors and stay as they are (500), except where a
 * caller handles them (ER_DUP_ENTRY).
 */
function translate(error: unknown, name: DatabaseName): unknown {
  if (error instanceof BrokenConnection) return translate(error.cause, name);
  if (error instanceof CommitFailed) return unavailable(name, `${name} database`, error);
  if (error instanceof ServiceError || error instanceof StaleConnection) return error;
  if (error instanceof DeadlineExceeded) return unavailable(name, `${name} database`, error);
  const e = error as MysqlError;
  if (e.code !== undefined && LOCK_CONTENTION.has(e.code)) return new ServiceError('busy', `${name} database: ${e.message}`, 1, name);
  if (isConnectionFailure(e)) return unavailable(name, `${name} database`, e);
  // A fenced or demoted primary (read-only): the app looks for the new one (database-pools.ts).
  if (e.errno === READ_ONLY_ERRNO) return unavailable(name, `${name} database is read-only`, e);
  return error;
}

/**
 * Why the server is taken for lost, when `error` says it is: a connection failure (also under a
 * failed COMMIT or ROLLBACK), or a use cut off by its deadline (a stalled server). A server
 * error (a lock wait, a duplicate key) means it answered; a stale pooled connection is replaced
 * and says nothing yet.
 */
function lostReason(error: unknown): string | undefined {
  if (error instanceof CommitFailed || error instanceof BrokenConnection) return lostReason(error.cause);
  if (error instanceof DeadlineExceeded) return `a use of a connection got ${error.message}`;
  if (error instanceof ServiceError || error instanceof StaleConnection) return undefined;
  return isConnectionFailure(error as MysqlError) ? (error as Error).message : undefined;
}

/** Network-level codes (ECONNREFUSED, PROTOCOL_CONNECTION_LOST…) and fatal errors. */
function isConnectionFailure(e: MysqlError): boolean {
  return e.fatal === true || (e.code !== undefined && /^(E[A-Z]+$|PROTOCOL_)/.test(e.code));
}

/** True for MySQL's duplicate-key error (an Idempotency-Key already used). */
export function isDuplicateKey(error: unknown): boolean {
  return (error as MysqlError).code === 'ER_DUP_ENTRY';
}
