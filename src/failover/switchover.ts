import { EnvironmentError, UsageError } from '../errors.js';
import { acquireLock } from '../provision/lock.js';
import type { RunningTopology } from '../running/running-topology.js';
import { findNode, nodesOfKind, type NodeOfKind } from '../topology/model.js';
import type { FailoverLog } from './failover-log.js';
import { databaseNode, failoverRecord, promote, PromotionRefused, replicasNow } from './promote.js';
import { rejoin } from './rejoin.js';
import type { Promotion } from './state.js';
import { join } from 'node:path';

/**
 * The candidate named by `shopctl failover --to`, or the first replica: 64 naming the flag when
 * it is not a replica of this topology now.
 */
export function candidateFor(running: RunningTopology, to: string | undefined): NodeOfKind<'mysql'> {
  const record = failoverRecord(running);
  if (to === undefined) {
    const first = replicasNow(running, record)[0];
    if (first === undefined) throw new UsageError(`topology ${running.topology.name} has no database replica to promote`);
    return first;
  }
  const node = findNode(running.topology, to);
  const replicas = replicasNow(running, record).map((n) => n.name);
  if (node === undefined || node.kind !== 'mysql') throw new UsageError(`--to: "${to}" is not a mysql node of topology ${running.topology.name}`, [`replicas now: ${replicas.join(', ') || 'none'}`]);
  if (node.name === record.primary) throw new UsageError(`--to: ${to} is the primary already (epoch ${record.epoch}), not a replica`, [`replicas now: ${replicas.join(', ') || 'none'}`]);
  return node;
}

/**
 * A promotion run by this CLI, on a topology without a monitor node (with one, the monitor runs
 * it: one actor per topology). `force`: the primary is not waited for — fenced (read-only, or
 * killed) and the candidate promoted with what it has, losing what it lacks: a failover drill.
 * Without it, a switchover without loss, which refuses when the candidate cannot catch up.
 */
export async function promoteHere(running: RunningTopology, to: NodeOfKind<'mysql'>, force: boolean, log: FailoverLog): Promise<Promotion> {
  if (nodesOfKind(running.topology, 'monitor').length > 0) throw new Error('a topology with a monitor node is promoted by its monitor');
  const release = (() => {
    try {
      return acquireLock(join(running.paths.root, 'failover.lock'), running.topology.name);
    } catch (error) {
      throw new EnvironmentError(`another shopctl failover is running on topology ${running.topology.name}`, [String((error as Error).message)]);
    }
  })();
  try {
    const kind = force ? 'failover' : 'switchover';
    const promotion = await promote(running, { kind, to, reason: force ? 'forced (shopctl failover --force)' : 'asked for (shopctl failover)', startedAt: performance.now() }, log).catch((error: unknown) => {
      if (error instanceof PromotionRefused) throw new EnvironmentError(`no ${kind}: ${error.message}`, [...error.details, 'nothing was promoted; the primary is unchanged']);
      throw error;
    });
    // A switchover's old primary answers: it follows the new one at once. A forced failover's
    // is fenced (maybe killed): `up` rejoins it when it runs again.
    if (!force) await rejoin(running, databaseNode(running, promotion.from), log);
    return promotion;
  } finally {
    release();
  }
}
