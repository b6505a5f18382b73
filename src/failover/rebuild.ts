import type { Connection } from 'mysql2/promise';
import { queryRows, type Row } from '../clients/mysql.js';
import { SHOP_DATABASE } from '../provision/secrets.js';

/** The shop's tables in the order a copy inserts them (orders refer to products). */
const TABLES = [
  { name: 'products', columns: ['id', 'name', 'price_cents', 'stock', 'initial_stock', 'version', 'updated_at'] },
  { name: 'orders', columns: ['id', 'product_id', 'user_id', 'quantity', 'idempotency_key', 'created_at'] },
] as const;
const BATCH = 1000;

/** Rows as they are, timestamps to the microsecond (as text: a JS Date would round them). */
function selectAll(table: (typeof TABLES)[number]): string {
  const columns = table.columns.map((c) => (c.endsWith('_at') ? `CAST(${c} AS CHAR) AS ${c}` : c)).join(', ');
  return `SELECT ${columns} FROM ${SHOP_DATABASE}.${table.name} ORDER BY id`;
}

export interface Snapshot {
  /** The primary's GTID position the rows are consistent with: where replication resumes. */
  position: string;
  rows: Map<string, Row[]>;
}

/**
 * The shop's rows on the primary at one GTID position, without stopping its writes: a
 * consistent-snapshot transaction, whose binlog position MariaDB reports beside it
 * (Binlog_snapshot_file/position, turned into a GTID position by BINLOG_GTID_POS).
 */
export async function snapshotOf(primary: Connection): Promise<Snapshot> {
  // The servers run READ-COMMITTED (mysql-config.ts), under which every SELECT of the
  // transaction reads the latest commits, not the snapshot: rows committed after the snapshot's
  // binlog position were copied too, and replication from that position then stopped on a
  // duplicate key (found by scripts/prove-failover.mjs: "Duplicate entry '360' for key
  // 'PRIMARY'" at the first GTID after it). The snapshot needs REPEATABLE READ.
  await primary.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  await primary.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
  try {
    const status = new Map((await queryRows(primary, "SHOW STATUS LIKE 'binlog_snapshot_%'")).map((r) => [String(r.Variable_name).toLowerCase(), String(r.Value)]));
    const [row] = await queryRows(primary, 'SELECT BINLOG_GTID_POS(?, ?) AS pos', [status.get('binlog_snapshot_file'), Number(status.get('binlog_snapshot_position'))]);
    const rows = new Map<string, Row[]>();
    for (const table of TABLES) rows.set(table.name, await queryRows(primary, selectAll(table)));
    // NULL (no answer for that binlog position) must not become '' (a primary that never wrote):
    // the rebuilt node would replay the primary's whole binlog over the rows just copied.
    if (row?.pos === null || row?.pos === undefined) throw new Error('the primary did not tell the GTID position of its snapshot (BINLOG_GTID_POS)');
    return { position: String(row.pos), rows };
  } finally {
    await primary.query('COMMIT');
  }
}

/**
 * Replaces the shop's rows on `node` with the snapshot's, outside its binlog, then forgets the
 * node's own binlog (RESET MASTER): what it held and the primary never had is gone from it —
 * the caller has saved it first.
 */
export async function restoreSnapshot(node: Connection, snapshot: Snapshot): Promise<void> {
  await node.query('SET SESSION sql_log_bin = 0');
  await node.query('SET SESSION foreign_key_checks = 0');
  for (const table of [...TABLES].reverse()) await node.query(`DELETE FROM ${SHOP_DATABASE}.${table.name}`);
  for (const table of TABLES) {
    const rows = snapshot.rows.get(table.name) ?? [];
    for (let i = 0; i < rows.length; i += BATCH) {
      const values = rows.slice(i, i + BATCH).map((r) => table.columns.map((c) => r[c]));
      await node.query(`INSERT INTO ${SHOP_DATABASE}.${table.name} (${table.columns.join(', ')}) VALUES ?`, [values]);
    }
  }
  await node.query('SET SESSION foreign_key_checks = 1');
  await node.query('RESET MASTER');
}
