import mysql, { type Connection, type ConnectionOptions } from 'mysql2/promise';
import type { Endpoint } from '../provision/addressing.js';
import { MYSQL_USERS, type Secrets } from '../provision/secrets.js';

/**
 * How shopctl itself (probes, status, bench figures, the audit) connects to a database: one set
 * of options. A connect within 2 s leaves room in status's 3 s budget for its queries; a BIGINT
 * past 2^53 comes back exact (as a string) rather than rounded.
 */
const CONNECTION_DEFAULTS: ConnectionOptions = { connectTimeout: 2000, supportBigNumbers: true };

/** Opens one connection that the caller ends. */
export function openMysql(options: ConnectionOptions): Promise<Connection> {
  return mysql.createConnection({ ...CONNECTION_DEFAULTS, ...options });
}

/** Opens one connection, runs `use`, and always closes it. */
export async function withMysql<T>(options: ConnectionOptions, use: (c: Connection) => Promise<T>): Promise<T> {
  const connection = await openMysql(options);
  try {
    return await use(connection);
  } finally {
    await connection.end().catch(() => connection.destroy());
  }
}

/** shopctl's own administrative account, over TCP as the apps connect. */
export function adminLogin(endpoint: Endpoint, secrets: Secrets, database?: string): ConnectionOptions {
  return {
    host: endpoint.host,
    port: endpoint.port,
    user: MYSQL_USERS.admin,
    password: secrets.mysqlAdminPassword,
    ...(database === undefined ? {} : { database }),
  };
}

export type Row = Record<string, unknown>;

export async function queryRows(connection: Connection, sql: string, values: unknown[] = []): Promise<Row[]> {
  const [rows] = await connection.query(sql, values);
  return Array.isArray(rows) ? (rows as Row[]) : [];
}

export interface ReplicaStatus {
  ioRunning: string;
  sqlRunning: string;
  /** The last IO or SQL thread error, empty when none. */
  lastError: string;
  secondsBehind: number | null;
  gtidSlavePos: string;
  /** The last GTID received into the relay log (applied or not). */
  gtidIoPos: string;
  /** The primary it follows. */
  masterHost: string;
  masterPort: number;
}

/** `SHOW SLAVE STATUS` of a replica; undefined when replication is not configured. */
export async function replicaStatus(connection: Connection): Promise<ReplicaStatus | undefined> {
  const [row] = await queryRows(connection, 'SHOW SLAVE STATUS');
  if (row === undefined) return undefined;
  return {
    ioRunning: String(row.Slave_IO_Running),
    sqlRunning: String(row.Slave_SQL_Running),
    lastError: String(row.Last_IO_Error || row.Last_SQL_Error || ''),
    secondsBehind: row.Seconds_Behind_Master === null ? null : Number(row.Seconds_Behind_Master),
    gtidSlavePos: String(row.Gtid_Slave_Pos ?? ''),
    gtidIoPos: String(row.Gtid_IO_Pos ?? ''),
    masterHost: String(row.Master_Host ?? ''),
    masterPort: Number(row.Master_Port ?? 0),
  };
}

export function isReplicating(status: ReplicaStatus): boolean {
  return status.ioRunning === 'Yes' && status.sqlRunning === 'Yes';
}

/** A GTID position variable (`gtid_binlog_pos` on a primary, `gtid_slave_pos` on a replica). */
export async function gtidPosition(connection: Connection, variable: 'gtid_binlog_pos' | 'gtid_slave_pos' | 'gtid_current_pos'): Promise<string> {
  const [row] = await queryRows(connection, `SELECT @@${variable} AS pos`);
  return String(row?.pos ?? '');
}

/** A `SHOW GLOBAL STATUS` counter (Threads_connected, Max_used_connections) as a number. */
export async function globalStatus(connection: Connection, name: string): Promise<number> {
  const [row] = await queryRows(connection, 'SHOW GLOBAL STATUS LIKE ?', [name]);
  return Number(row?.Value);
}

/** `@@global.read_only`: a fenced or replica server refuses the apps' writes. */
export async function isReadOnly(connection: Connection): Promise<boolean> {
  const [row] = await queryRows(connection, 'SELECT @@global.read_only AS ro');
  return Number(row?.ro) === 1;
}
