import type { Connection } from 'mysql2/promise';
import { gtidPosition, queryRows, replicaStatus } from '../clients/mysql.js';
import type { RunningTopology } from '../running/running-topology.js';
import { fileRoles } from './roles.js';
import { findNode, nodesOfKind, type NodeOfKind } from '../topology/model.js';
import { killAppConnections, onDatabase } from './admin.js';
import { dropCachedStock } from './cache-after-promotion.js';
import type { FailoverLog } from './failover-log.js';
import { fence, type Fencing } from './fence.js';
import { clearFencing, markFencing } from './fencing-marker.js';
import { readFailoverState, writeFailoverState, type FailoverState, type Promotion } from './state.js';

/**
 * How long the candidate may take to apply the relay log it holds (MASTER_GTID_WAIT): 30 s, or
 * SHOPCTL_RELAY_WAIT_S (whole seconds, 1–300; anything else is ignored). The variable exists so
 * that test/failover.test.ts can show a switchover to a candidate that cannot catch up refused
 * without waiting 30 s for it; a slow machine may lengthen it.
 */
const RELAY_LOG_WAIT_S = relayLogWaitS(process.env.SHOPCTL_RELAY_WAIT_S);
/** Each step's bound: a database that does not answer fails the step, it does not hang the failover. */
const STEP_MS = (RELAY_LOG_WAIT_S + 5) * 1000;

/** Why a promotion did not happen; nothing was changed, or what was is undone. */
export class PromotionRefused extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

export interface PromotionRequest {
  kind: 'failover' | 'switchover';
  to: NodeOfKind<'mysql'>;
  reason: string;
  /** performance.now() of the first failed check, or of the request. */
  startedAt: number;
}

/** The record now: the file's, or epoch 0 with the topology file's primary. */
export function failoverRecord(running: RunningTopology): FailoverState {
  return readFailoverState(running.paths) ?? { epoch: 0, primary: fileRoles(running.topology).mysqlPrimary, promotions: [], rejoins: [] };
}

export function databaseNode(running: RunningTopology, name: string): NodeOfKind<'mysql'> {
  const node = findNode(running.topology, name);
  if (node === undefined || node.kind !== 'mysql') throw new Error(`${name} is not a mysql node of topology ${running.topology.name}`);
  return node;
}

/** The database nodes other than the current primary. */
export function replicasNow(running: RunningTopology, record: FailoverState): NodeOfKind<'mysql'>[] {
  return nodesOfKind(running.topology, 'mysql').filter((n) => n.name !== record.primary);
}

/**
 * Makes `request.to` the primary, as mariadbmon does: the old primary fenced first (a failover)
 * or made read-only and drained (a switchover); the candidate applies every transaction it
 * received (a switchover: every one the old primary wrote) before it stops replicating; the
 * record (`failover.json`) names the new primary before it takes a write, so a node restarted
 * meanwhile comes up read-only; then writes are enabled. A switchover's old primary then
 * replicates from the new one (a failover's rejoins when it is back: `rejoin.ts`).
 */
export async function promote(running: RunningTopology, request: PromotionRequest, log: FailoverLog): Promise<Promotion> {
  const record = failoverRecord(running);
  const from = databaseNode(running, record.primary);
  const { to } = request;
  if (to.name === from.name) throw new PromotionRefused(`${to.name} is the primary already`);
  // Until the record names the new primary, the old one is rendered read-only should anyone
  // start it (a fault's heal, `up`): fencing-marker.ts. Removed when the promotion ends (the
  // record then makes it read-only) or fails (it is the primary still).
  markFencing(running.paths, from.name);
  try {
    return await promoteFenced(running, request, record, from, log);
  } finally {
    clearFencing(running.paths, from.name);
  }
}

async function promoteFenced(running: RunningTopology, request: PromotionRequest, record: FailoverState, from: NodeOfKind<'mysql'>, log: FailoverLog): Promise<Promotion> {
  const { to } = request;
  let fencing: Fencing;
  let promotedAt: string;
  if (request.kind === 'switchover') {
    const oldPosition = await drainForSwitchover(running, from, log);
    try {
      promotedAt = await applyRelayLog(running, to, oldPosition, log);
    } catch (error) {
      await onDatabase(running, from, (c) => c.query('SET GLOBAL read_only = 0')).catch(() => undefined);
      throw error;
    }
    fencing = 'read_only';
  } else {
    fencing = await fence(running, from, log);
    promotedAt = await applyRelayLog(running, to, undefined, log).catch(async (error: unknown) => {
      // The candidate stays a replica: its IO thread, stopped for the wait, runs again (else a
      // semisync primary back from its fault would have no replica to acknowledge its commits).
      await onDatabase(running, to, (c) => c.query('START SLAVE IO_THREAD')).catch(() => undefined);
      throw error;
    });
  }
  // The new primary waits for its replicas' acknowledgements from its first write (semisync).
  const semisync = running.topology.ha.mysql.replication === 'semisync' ? ['SET GLOBAL rpl_semi_sync_master_enabled = 1'] : [];
  await onDatabase(running, to, (c) => runAll(c, ['STOP SLAVE', 'RESET SLAVE ALL', ...semisync]), STEP_MS);
  const promotion: Promotion = {
    epoch: record.epoch + 1,
    at: new Date().toISOString(),
    kind: request.kind,
    from: from.name,
    to: to.name,
    reason: request.reason,
    fencing,
    promotedAt,
    ms: 0,
  };
  // Recorded before the first write: a node started from now on renders its role from this.
  writeFailoverState(running.paths, { ...record, epoch: promotion.epoch, primary: to.name, promotions: [...record.promotions, promotion] });
  log.event('info', 'promoted', { epoch: promotion.epoch, from: from.name, to: to.name, promotedAt, fencing });
  await onDatabase(running, to, (c) => c.query('SET GLOBAL read_only = 0'), STEP_MS);
  promotion.ms = Math.round(performance.now() - request.startedAt);
  const final = failoverRecord(running);
  writeFailoverState(running.paths, { ...final, promotions: final.promotions.map((p) => (p.epoch === promotion.epoch ? promotion : p)) });
  log.event('info', 'writes_enabled', { node: to.name, epoch: promotion.epoch, ms: promotion.ms });
  await dropCachedStock(running, log, 'promotion');
  return promotion;
}

/**
 * A switchover's first step: the primary stops taking writes (read-only; the apps' connections
 * killed, so a transaction in flight is rolled back and the apps look for the primary anew).
 * Returns its last GTID position: everything the candidate must apply.
 */
async function drainForSwitchover(running: RunningTopology, from: NodeOfKind<'mysql'>, log: FailoverLog): Promise<string> {
  const position = await onDatabase(running, from, async (c) => {
    await c.query('SET GLOBAL read_only = 1');
    const killed = await killAppConnections(c);
    log.event('info', 'fenced', { node: from.name, how: 'read_only', appConnectionsKilled: killed });
    return gtidPosition(c, 'gtid_binlog_pos');
  }, STEP_MS).catch((error: Error) => {
    throw new PromotionRefused(`the primary ${from.name} cannot be made read-only: ${error.message}`, ['a switchover needs a primary that answers; when it is down the monitor fails over instead']);
  });
  return position;
}

/**
 * The candidate applies what it must before it is promoted (orchestrator's bug was to skip
 * this): `target` (a switchover: the old primary's last position) or everything its IO thread
 * received (a failover: the IO thread is stopped first, the old primary being fenced). Returns
 * the candidate's position once applied: what the new primary starts from.
 */
async function applyRelayLog(running: RunningTopology, to: NodeOfKind<'mysql'>, target: string | undefined, log: FailoverLog): Promise<string> {
  return onDatabase(running, to, async (c) => {
    const status = await replicaStatus(c);
    if (status === undefined) throw new PromotionRefused(`${to.name} is not a replica (no replication configured)`);
    if (target === undefined) await c.query('STOP SLAVE IO_THREAD');
    const received = target ?? (await replicaStatus(c))?.gtidIoPos ?? '';
    if (status.sqlRunning !== 'Yes') await c.query('START SLAVE SQL_THREAD');
    if (received !== '') {
      const [row] = await queryRows(c, 'SELECT MASTER_GTID_WAIT(?, ?) AS waited', [received, RELAY_LOG_WAIT_S]);
      // NULL (a GTID it could not parse) is no success.
      if (row?.waited === null || row?.waited === undefined || Number(row.waited) !== 0) {
        throw new PromotionRefused(`${to.name} did not apply its relay log up to ${received} within ${RELAY_LOG_WAIT_S} s`, [`last error: ${status.lastError || 'none'}`]);
      }
    }
    const applied = await gtidPosition(c, 'gtid_slave_pos');
    log.event('info', 'relay_log_applied', { node: to.name, received, applied });
    return applied;
  }, STEP_MS);
}

function relayLogWaitS(setting: string | undefined): number {
  const seconds = Number(setting);
  return /^\d+$/.test(setting ?? '') && seconds >= 1 && seconds <= 300 ? seconds : 30;
}

async function runAll(c: Connection, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await c.query(statement);
}
