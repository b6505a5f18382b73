import { withRedis } from '../clients/redis.js';
import { dropStock } from '../service/cache/stock-lineage.js';
import type { RunningTopology } from '../running/running-topology.js';
import { nodesOfKind } from '../topology/model.js';
import { currentRoles } from './current-roles.js';
import type { FailoverLog } from './failover-log.js';

/**
 * After a database promotion (and after a rejoin released the commits a semisync primary held:
 * `rejoin.ts`), the cached stock is dropped on the Redis master now. Under
 * asynchronous replication the new primary may lack purchases the old one acknowledged, and the
 * cache, decremented by them, would then hold a stock *lower* than the database's: the sold-out
 * gate (`cached < quantity`) would refuse sales the database can make, and I5 would fail. The
 * cache is derived data: absent is a miss. Purchases that committed on the old primary wrote
 * their stock within milliseconds of their COMMIT, before the fencing and the relay log wait
 * that come before this. Best effort: a drop that fails is logged, and `verify` (I5) tells.
 */
export async function dropCachedStock(running: RunningTopology, log: FailoverLog, after: 'promotion' | 'rejoin'): Promise<void> {
  try {
    const roles = await currentRoles(running.topology, running.paths, running.addressing, running.secrets);
    const master = nodesOfKind(running.topology, 'redis').find((n) => n.name === roles.redisMaster);
    if (master === undefined) return;
    const dropped = await withRedis(running.endpoint(master), running.secrets.redisPassword, (redis) => dropStock(redis));
    log.event('info', 'cache_dropped', { after, redis: master.name, keys: dropped.count, complete: dropped.complete });
  } catch (error) {
    log.event('warn', 'cache_dropped', { after, failed: error instanceof Error ? error.message : String(error) });
  }
}
