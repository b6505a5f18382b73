import type { Topology } from '../../topology/model.js';
import { readLedger } from '../ledger-index.js';
import type { RunOnDisk } from '../report-file.js';
import { checkCache } from './cache.js';
import { checkConservation } from './conservation.js';
import { guarded, uncheckedResult, type InvariantResult } from './invariant.js';
import { checkNoLostOrder, checkNoPhantom, checkNoSaleAfterFailure, runOrders, type RunOrder } from './orders.js';
import { checkReplica } from './replica.js';
import { waitForReplica, type CatchUp } from './replication-wait.js';
import { openAuditTarget } from './target.js';

export interface AuditResult {
  invariants: InvariantResult[];
  replication: CatchUp | null;
  ledger: { entries: number; acknowledged: number; failed: number; unknown: number };
  ordersAudited: number;
  /**
   * The servers audited: the current primary, replica and Redis master, and the failover epoch
   * (after a failover they are not the file's). Optional: absent in verify.json before #14.
   */
  audited?: { primary: string; replica: string | null; cache: string; epoch: number };
}

/**
 * Runs a comparison of two reads (cache and database, replica and primary) again when it finds
 * a difference, and reports only what is still different: a purchase whose client gave up may
 * commit between the two reads of the first pass.
 */
async function confirmed(check: () => Promise<InvariantResult>): Promise<InvariantResult> {
  const first = await check();
  if (first.ok) return first;
  await new Promise((r) => setTimeout(r, RECHECK_AFTER_MS));
  return check();
}

const RECHECK_AFTER_MS = 1000;

/**
 * Invariants I1–I6 on the real databases and cache the run used: the ledger is read and the
 * replica given time to catch up (bounded) first, so a lagging replica is not taken for a lie.
 */
export async function audit(topology: Topology, run: RunOnDisk): Promise<AuditResult> {
  await using target = await openAuditTarget(topology);
  const [ledger, replication] = await Promise.all([
    readLedger(run.ledgerFile),
    target.replica === null ? Promise.resolve(null) : waitForReplica(target.primary, target.replica),
  ]);
  const orders = await runOrders(target.primary, run.report.runId, run.report.startedAt).catch((error: Error) => error);
  const fromOrders = (id: 'I2' | 'I3' | 'I4', check: (o: Map<string, RunOrder>) => InvariantResult) =>
    guarded(id, () => {
      if (orders instanceof Error) throw orders;
      return check(orders);
    });
  const invariants = [
    await guarded('I1', () => checkConservation(target.primary)),
    await fromOrders('I2', (o) => checkNoLostOrder(ledger, o)),
    await fromOrders('I3', (o) => checkNoPhantom(ledger, o, run.report.runId)),
    await fromOrders('I4', (o) => checkNoSaleAfterFailure(ledger, o)),
    await guarded('I5', () => confirmed(() => checkCache(target.cache, target.primary))),
  ];
  if (target.replica !== null && replication !== null) {
    const replica = target.replica;
    invariants.push(
      replication.caughtUp
        ? await guarded('I6', () => confirmed(() => checkReplica(target.primary, replica, replication)))
        : uncheckedResult('I6', `the replica did not catch up within ${replication.waitedMs} ms (at ${replication.replicaPosition}, primary at ${replication.primaryPosition})`),
    );
  }
  return {
    invariants,
    replication,
    ledger: { entries: ledger.attempts.size, acknowledged: ledger.acknowledged, failed: ledger.failed, unknown: ledger.unknown },
    ordersAudited: orders instanceof Error ? 0 : orders.size,
    audited: { primary: target.primaryName, replica: target.replicaName, cache: target.cacheName, epoch: target.epoch },
  };
}
