import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from 'mysql2/promise';
import { globalStatus, gtidPosition, isReadOnly, queryRows, replicaStatus, type Row } from '../clients/mysql.js';
import { dropCachedStock } from './cache-after-promotion.js';
import { replicationSource } from '../provision/nodes/mysql-bootstrap.js';
import { startReplicaStatements } from '../provision/nodes/mysql-replication-sql.js';
import { markReplicating } from '../provision/nodes/mysql.js';
import { SHOP_DATABASE } from '../provision/secrets.js';
import type { RunningTopology } from '../running/running-topology.js';
import type { NodeOfKind } from '../topology/model.js';
import { killAppConnections, onDatabase } from './admin.js';
import type { FailoverLog } from './failover-log.js';
import { countRanges, describeRanges, errantRanges, furthestOf } from './gtid.js';
import { databaseNode, failoverRecord } from './promote.js';
import { restoreSnapshot, snapshotOf } from './rebuild.js';
import { writeFailoverState, type Rejoin } from './state.js';

const REJOIN_MS = 60_000;
/** How long a rejoin waits for the commits the primary held to be acknowledged. */
const HELD_COMMITS_WAIT_MS = 10_000;

/**
 * Is `node` where it belongs: read-only and replicating from the current primary? A replica
 * pointed at the primary whose threads stopped or failed is left as it is (not "repaired" by
 * starting it again: `status` shows the error, which is a finding); a writable one, one that
 * replicates from nobody (a demoted primary) or from another server is rejoined.
 */
export async function followsPrimary(c: Connection, primary: NodeOfKind<'mysql'>, running: RunningTopology): Promise<boolean> {
  const status = await replicaStatus(c);
  if (status === undefined) return false;
  const source = replicationSource(primary, running);
  const pointed = status.masterHost === source.host && status.masterPort === source.port;
  // A replica that could take the apps' writes is a second primary in waiting: fenced by rejoin.
  return pointed && (await isReadOnly(c));
}

/**
 * Makes `node` a replica of the current primary. A node found writable is fenced first (two
 * writable servers would both sell). What it holds past the point its successor was promoted
 * (errant transactions: acknowledged writes the new primary never got, under asynchronous
 * replication) is detected from the GTIDs, its orders saved to a file and logged — never
 * silently dropped — and the node is then rebuilt from a snapshot of the primary. Without
 * errant transactions it simply resumes from its own position.
 */
export async function rejoin(running: RunningTopology, node: NodeOfKind<'mysql'>, log: FailoverLog): Promise<Rejoin> {
  const rejoined = await rejoinNode(running, node, log);
  if (running.topology.ha.mysql.replication === 'semisync') await afterHeldCommits(running, log);
  return rejoined;
}

/**
 * A semisync primary alone held its commits (no fallback); the rejoined replica acknowledges
 * them now, long after their clients were answered 503 — and after those clients' apps dropped
 * or refilled the product's cached stock from a database that did not show them yet. Once the
 * primary holds none (bounded), the cached stock is dropped again, or it would stay higher than
 * the database's (I5; found by scripts/prove-failover.mjs: seed-ha, kill of the primary).
 */
async function afterHeldCommits(running: RunningTopology, log: FailoverLog): Promise<void> {
  const primary = databaseNode(running, failoverRecord(running).primary);
  const until = Date.now() + HELD_COMMITS_WAIT_MS;
  for (;;) {
    const waiting = await onDatabase(running, primary, (c) => globalStatus(c, 'Rpl_semi_sync_master_wait_sessions')).catch(() => 0);
    if (waiting === 0 || Date.now() >= until) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await dropCachedStock(running, log, 'rejoin');
}

async function rejoinNode(running: RunningTopology, node: NodeOfKind<'mysql'>, log: FailoverLog): Promise<Rejoin> {
  const record = failoverRecord(running);
  const primary = databaseNode(running, record.primary);
  const promotion = [...record.promotions].reverse().find((p) => p.from === node.name);
  return onDatabase(running, node, async (c) => {
    if (!(await isReadOnly(c))) {
      await c.query('SET GLOBAL read_only = 1');
      const killed = await killAppConnections(c);
      log.event('warn', 'fenced', { node: node.name, how: 'read_only', appConnectionsKilled: killed }, `${node.name} was writable while ${primary.name} is the primary`);
    }
    await c.query('STOP SLAVE');
    const [idRow] = await queryRows(c, 'SELECT @@server_id AS id');
    const position = await gtidPosition(c, 'gtid_binlog_pos');
    // What it wrote itself past what it had from a primary is errant: past the promotion that
    // demoted it, or past what it applied as a replica since. The second also covers a replica
    // that was never a primary but was written to by hand (made writable: split brain); with only
    // the first, its writes were kept unnoticed and its replication then broke (error 1236: the
    // GTID it asked to resume from is not in the primary's binlog), stopping a semisync primary.
    const applied = await gtidPosition(c, 'gtid_slave_pos');
    const ranges = errantRanges(position, furthestOf(promotion?.promotedAt ?? '', applied), Number(idRow?.id));
    let startAt = position;
    let savedTo: string | null = null;
    let errantOrders = 0;
    if (ranges.length > 0) {
      const errant = describeRanges(ranges);
      const rebuilt = await onDatabase(running, primary, async (p) => {
        const orders = await ordersOnlyOn(c, p);
        const snapshot = await snapshotOf(p);
        return { orders, snapshot };
      }, REJOIN_MS);
      errantOrders = rebuilt.orders.length;
      // Never over an earlier save: a rejoin that failed half-way through its rebuild finds the
      // same GTIDs again, with fewer orders left to see.
      savedTo = join(running.paths.root, `errant-epoch${record.epoch}-${node.name}${existsSync(join(running.paths.root, `errant-epoch${record.epoch}-${node.name}.json`)) ? `-${Date.now()}` : ''}.json`);
      writeFileSync(savedTo, `${JSON.stringify({ node: node.name, epoch: record.epoch, gtids: errant, transactions: countRanges(ranges), orders: rebuilt.orders }, null, 2)}\n`, { flag: 'wx' });
      log.event('error', 'errant_transactions', { node: node.name, gtids: errant, transactions: countRanges(ranges), orders: errantOrders, savedTo }, `${node.name} held ${countRanges(ranges)} transaction(s) the primary never got; saved, then rebuilt from ${primary.name}`);
      await restoreSnapshot(c, rebuilt.snapshot);
      startAt = rebuilt.snapshot.position;
    }
    // A replica does not wait for acknowledgements of its own (semisync: mysql-config.ts).
    if (running.topology.ha.mysql.replication === 'semisync') await c.query('SET GLOBAL rpl_semi_sync_master_enabled = 0');
    for (const statement of startReplicaStatements(node.flavor, replicationSource(primary, running), startAt)) await c.query(statement);
    markReplicating(running, node);
    const rejoined: Rejoin = { at: new Date().toISOString(), node: node.name, epoch: record.epoch, errantGtids: describeRanges(ranges), errantOrders, savedTo };
    const now = failoverRecord(running);
    writeFailoverState(running.paths, { ...now, rejoins: [...now.rejoins, rejoined] });
    log.event('info', 'rejoined', { node: node.name, primary: primary.name, from: startAt, errant: rejoined.errantGtids || 'none' });
    return rejoined;
  }, REJOIN_MS);
}

/**
 * Rejoins each of `nodes` that is a replica now (not the record's primary) but does not follow
 * the primary; nodes that do not answer are left for later. Returns what was done.
 */
export async function rejoinWhereNeeded(running: RunningTopology, nodes: readonly NodeOfKind<'mysql'>[], log: FailoverLog): Promise<Rejoin[]> {
  const record = failoverRecord(running);
  const primary = databaseNode(running, record.primary);
  const done: Rejoin[] = [];
  for (const node of nodes.filter((n) => n.name !== primary.name)) {
    const follows = await onDatabase(running, node, (c) => followsPrimary(c, primary, running)).catch(() => true);
    if (!follows) done.push(await rejoin(running, node, log));
  }
  return done;
}

/** Orders `node` has that the primary lacks (by idempotency key), as the node has them. */
async function ordersOnlyOn(node: Connection, primary: Connection): Promise<Row[]> {
  const sql = `SELECT id, product_id, user_id, quantity, idempotency_key, CAST(created_at AS CHAR) AS created_at FROM ${SHOP_DATABASE}.orders`;
  const onPrimary = new Set((await queryRows(primary, `SELECT idempotency_key FROM ${SHOP_DATABASE}.orders`)).map((r) => String(r.idempotency_key)));
  return (await queryRows(node, sql)).filter((r) => !onPrimary.has(String(r.idempotency_key)));
}
