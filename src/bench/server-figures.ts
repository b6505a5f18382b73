import { withDeadline } from '../async/deadline.js';
import { appMetrics } from '../clients/http.js';
import { globalStatus } from '../clients/mysql.js';
import type { ServerFigures } from './measurement.js';
import { nodesOfKind } from '../topology/model.js';
import { sumSeries } from './prometheus-text.js';
import type { BenchTarget } from './target.js';

/** The apps' counters the report needs, summed over the app nodes. */
export interface AppCounters {
  hits: number;
  misses: number;
  lockWaits: number;
  lockWaitSeconds: number;
  lockTimeouts: number;
  poolWaitTimeouts: number;
}

/** A database that does not answer within this long leaves its figure out (null, with the reason). */
const QUERY_TIMEOUT_MS = 3000;

/** Each app's /metrics, read directly (not through the LB, which would pick one app). */
export async function scrapeApps(target: BenchTarget, problems: string[]): Promise<AppCounters> {
  const total: AppCounters = { hits: 0, misses: 0, lockWaits: 0, lockWaitSeconds: 0, lockTimeouts: 0, poolWaitTimeouts: 0 };
  for (const app of nodesOfKind(target.topology, 'app')) {
    try {
      const text = await appMetrics(target.running.origin(app));
      total.hits += sumSeries(text, 'shop_cache_requests_total', 'result="hit"');
      total.misses += sumSeries(text, 'shop_cache_requests_total', 'result="miss"');
      total.lockWaits += sumSeries(text, 'shop_lock_wait_seconds_count');
      total.lockWaitSeconds += sumSeries(text, 'shop_lock_wait_seconds_sum');
      total.lockTimeouts += sumSeries(text, 'shop_lock_timeouts_total');
      total.poolWaitTimeouts += sumSeries(text, 'shop_db_pool_wait_timeouts_total');
    } catch (error) {
      problems.push(`${app.name} /metrics: ${(error as Error).message}`);
    }
  }
  return total;
}

/**
 * `FLUSH STATUS` sets each database's Max_used_connections to the connections open now, so
 * the figure read at the end is the run's own peak rather than the server's since start.
 * LOCAL keeps it out of the binary log: binlogged on the replica it would mint a GTID of the
 * replica's own server id and stop replication under gtid_strict_mode.
 */
export async function resetConnectionPeaks(target: BenchTarget, problems: string[]): Promise<void> {
  await Promise.all(
    nodesOfKind(target.topology, 'mysql').map(async (node) => {
      try {
        await withDeadline(target.running.withMysql(node, (c) => c.query('FLUSH LOCAL STATUS')), QUERY_TIMEOUT_MS);
      } catch (error) {
        problems.push(`${node.name} FLUSH STATUS: ${(error as Error).message}`);
      }
    }),
  );
}

async function maxUsedConnections(target: BenchTarget, problems: string[]): Promise<Record<string, number | null>> {
  const entries = await Promise.all(
    nodesOfKind(target.topology, 'mysql').map(async (node): Promise<[string, number | null]> => {
      try {
        return [node.name, await withDeadline(target.running.withMysql(node, (c) => globalStatus(c, 'Max_used_connections')), QUERY_TIMEOUT_MS)];
      } catch (error) {
        problems.push(`${node.name} Max_used_connections: ${(error as Error).message}`);
        return [node.name, null];
      }
    }),
  );
  return Object.fromEntries(entries);
}

/** Server-side figures over the measured window: counters at its start and end, database peaks. */
export async function serverFigures(target: BenchTarget, before: AppCounters, after: AppCounters, clientHitRate: number | null, problems: string[]): Promise<ServerFigures> {
  const hits = after.hits - before.hits;
  const misses = after.misses - before.misses;
  const lockWaits = after.lockWaits - before.lockWaits;
  const lockWaitMs = (after.lockWaitSeconds - before.lockWaitSeconds) * 1000;
  return {
    cacheHitRate: hits + misses === 0 ? null : round(hits / (hits + misses)),
    clientCacheHitRate: clientHitRate === null ? null : round(clientHitRate),
    lockWaits: { count: lockWaits, meanMs: lockWaits === 0 ? null : round(lockWaitMs / lockWaits) },
    lockTimeouts: after.lockTimeouts - before.lockTimeouts,
    poolWaitTimeouts: after.poolWaitTimeouts - before.poolWaitTimeouts,
    dbMaxConnections: await maxUsedConnections(target, problems),
    problems,
  };
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;
