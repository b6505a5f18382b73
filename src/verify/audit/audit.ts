import type { Topology } from '../../topology/model.js';
import { readLedger } from '../ledger-index.js';
import type { RunOnDisk } from '../report-file.js';
import { checkCache } from './cache.js';
import { checkConservation } from './conservation.js';
import type { InvariantResult } from './invariant.js';
import { checkNoLostOrder, checkNoPhantom, checkNoSaleAfterFailure, runOrders } from './orders.js';
import { checkReplica } from './replica.js';
import { waitForReplica, type CatchUp } from './replication-wait.js';
import { openAuditTarget } from './target.js';

export interface AuditResult {
  invariants: InvariantResult[];
  replication: CatchUp | null;
  ledger: { entries: number; acknowledged: number; failed: number; unknown: number };
  ordersAudited: number;
}

/**
 * Invariants I1–I6 on the real databases and cache the run used: the ledger is read and the
 * replica given time to catch up (bounded) first, so a lagging replica is not taken for a lie.
 */
export async function audit(topology: Topology, run: RunOnDisk): Promise<AuditResult> {
  const target = await openAuditTarget(topology);
  try {
    const [ledger, replication] = await Promise.all([
      readLedger(run.ledgerFile),
      target.replica === null ? Promise.resolve(null) : waitForReplica(target.primary, target.replica),
    ]);
    const orders = await runOrders(target.primary, run.report.runId, run.report.startedAt);
    const invariants = [
      await checkConservation(target.primary),
      checkNoLostOrder(ledger, orders),
      checkNoPhantom(ledger, orders, run.report.runId),
      checkNoSaleAfterFailure(ledger, orders),
      await checkCache(target.cache, target.primary),
    ];
    if (target.replica !== null && replication !== null) invariants.push(await checkReplica(target.primary, target.replica, replication));
    return {
      invariants,
      replication,
      ledger: { entries: ledger.attempts.size, acknowledged: ledger.acknowledged, failed: ledger.failed, unknown: ledger.unknown },
      ordersAudited: orders.size,
    };
  } finally {
    await target.close();
  }
}
