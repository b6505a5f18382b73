import type { Connection } from 'mysql2/promise';
import { withDeadline } from '../async/deadline.js';
import { queryRows } from '../clients/mysql.js';
import { MYSQL_USERS } from '../provision/secrets.js';
import type { RunningTopology } from '../running/running-topology.js';
import type { TopologyNode } from '../topology/model.js';

/** One administrative step on a database: a stopped or cut-off server fails it, never hangs it. */
export function onDatabase<T>(running: RunningTopology, node: Pick<TopologyNode, 'name' | 'port'>, use: (c: Connection) => Promise<T>, ms = 3000): Promise<T> {
  return withDeadline(running.withMysql(node, use), ms);
}

/**
 * Ends every connection of the apps' account: a transaction still open on a server that has just
 * been made read-only is rolled back, and the apps' pools reconnect to find the primary anew.
 */
export async function killAppConnections(c: Connection): Promise<number> {
  const rows = await queryRows(c, 'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ?', [MYSQL_USERS.app]);
  for (const row of rows) await c.query(`KILL CONNECTION ${Number(row.id)}`).catch(() => undefined);
  return rows.length;
}
