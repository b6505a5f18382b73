import mysql, { type Pool } from 'mysql2/promise';
import type { DatabaseConfig } from './config.js';
import { WAITS } from './waits.js';

/**
 * Where a Database takes its connections: one pool to one server, or (for the primary, when the
 * topology has replicas) the pool of whichever server is writable now — a failover moves it.
 */
export interface PoolSource {
  pool(): Pool;
  /** A use of the pool failed with `error`: the source may look for the primary again. */
  noticed(error: unknown): void;
  end(): Promise<void>;
}

export function createPool(db: Pick<DatabaseConfig, 'host' | 'port' | 'user' | 'password' | 'database' | 'pool'>): Pool {
  const pool = mysql.createPool({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    database: db.database,
    connectionLimit: db.pool,
    // Waiting requests are bounded in number here and in time by Database.
    queueLimit: db.pool * 8,
    connectTimeout: 2000,
    enableKeepAlive: true,
  });
  // Queued on the new connection before the statement it was opened for (the core pool: its
  // event hands over the callback connection). A connection that cannot take it is destroyed:
  // its first use then fails as the database being unavailable.
  pool.pool.on('connection', (connection) => {
    connection.query(`SET SESSION innodb_lock_wait_timeout = ${WAITS.rowLockWaitS}`, (error) => {
      if (error !== null) connection.destroy();
    });
  });
  return pool;
}

export class FixedPool implements PoolSource {
  private readonly created: Pool;

  constructor(db: DatabaseConfig) {
    this.created = createPool(db);
  }

  pool(): Pool {
    return this.created;
  }

  noticed(): void {}

  end(): Promise<void> {
    return this.created.end();
  }
}

export interface Endpoint {
  host: string;
  port: number;
}

/** ER_OPTION_PREVENTS_STATEMENT: the server runs with --read-only (a fenced or demoted primary). */
const READ_ONLY_ERRNO = 1290;
/** Looks for the primary at most this often: a flood of failures must not flood the servers with probes. */
const LOCATE_EVERY_MS = 250;
const PROBE_TIMEOUT_MS = 1000;

/**
 * The primary's pool that follows a failover: on a lost connection or a read-only refusal it
 * asks each database of the topology (the one in use first) `SELECT @@global.read_only` and
 * moves to the writable one. The failover makes that safe: the old primary is fenced
 * (read-only, or killed) before the new one is made writable, so at most one server answers 0
 * (docs/failover.md). Until one does, requests fail as the primary being unavailable.
 */
export class FollowingPrimary implements PoolSource {
  private current: Pool;
  private at: Endpoint;
  private locating: Promise<void> | undefined;
  private lastLocate = Number.NEGATIVE_INFINITY;
  private readonly retired: Pool[] = [];

  constructor(
    private readonly db: DatabaseConfig,
    private readonly candidates: readonly Endpoint[],
    private readonly onMove: (from: Endpoint, to: Endpoint) => void = () => {},
  ) {
    this.at = { host: db.host, port: db.port };
    this.current = createPool(db);
  }

  pool(): Pool {
    return this.current;
  }

  noticed(error: unknown): void {
    const e = error as { errno?: number; code?: string; fatal?: boolean } | undefined;
    const lost = e?.errno === READ_ONLY_ERRNO || e?.fatal === true || (typeof e?.code === 'string' && /^(E[A-Z]+$|PROTOCOL_)/.test(e.code));
    if (!lost || this.locating !== undefined || performance.now() - this.lastLocate < LOCATE_EVERY_MS) return;
    this.lastLocate = performance.now();
    this.locating = this.locate().finally(() => {
      this.locating = undefined;
    });
  }

  async end(): Promise<void> {
    await Promise.allSettled([this.current.end(), ...this.retired.map((p) => p.end())]);
  }

  private async locate(): Promise<void> {
    const ordered = [this.at, ...this.candidates.filter((c) => c.host !== this.at.host || c.port !== this.at.port)];
    for (const candidate of ordered) {
      if (await this.isWritable(candidate)) {
        if (candidate === this.at) return;
        this.move(candidate);
        return;
      }
    }
  }

  private move(to: Endpoint): void {
    const from = this.at;
    const old = this.current;
    this.at = to;
    this.current = createPool({ ...this.db, ...to });
    // Uses in flight finish on the old pool; it closes once they are released.
    this.retired.push(old);
    void old.end().catch(() => undefined);
    this.onMove(from, to);
  }

  private async isWritable(candidate: Endpoint): Promise<boolean> {
    let connection: mysql.Connection | undefined;
    try {
      connection = await mysql.createConnection({ ...candidate, user: this.db.user, password: this.db.password, database: this.db.database, connectTimeout: PROBE_TIMEOUT_MS });
      const [rows] = await Promise.race([
        connection.query('SELECT @@global.read_only AS ro'),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('probe timed out')), PROBE_TIMEOUT_MS)),
      ]);
      return Number((rows as { ro: number }[])[0]?.ro) === 0;
    } catch {
      return false;
    } finally {
      connection?.destroy();
    }
  }
}
