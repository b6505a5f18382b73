import type { Connection } from 'mysql2/promise';
import type { Redis } from 'ioredis';
import { EnvironmentError } from '../../errors.js';
import { SHOP_DATABASE } from '../../provision/secrets.js';
import { RunningTopology } from '../../running/running-topology.js';
import { nodesOfKind, primaryOf, type Topology } from '../../topology/model.js';

/** The audit scans every cached product: longer than a probe's command timeout. */
const CACHE_COMMAND_TIMEOUT_MS = 10_000;

/** Open connections to what the audit reads: the primary, the replica, the cache; closed with it. */
export interface AuditTarget extends AsyncDisposable {
  primary: Connection;
  /** The current primary, replica and Redis master (after a failover, not the file's). */
  primaryName: string;
  replica: Connection | null;
  replicaName: string | null;
  cache: Redis;
  cacheName: string;
  /** Database promotions so far (failover.json). */
  epoch: number;
}

/**
 * Connects to the topology the report came from, or exits 3 naming what cannot be reached:
 * without its databases nothing can be checked.
 */
export async function openAuditTarget(topology: Topology): Promise<AuditTarget> {
  const running = RunningTopology.find(topology);
  if (running === undefined) {
    throw new EnvironmentError(`topology ${topology.name} is not provisioned here: nothing can be audited`, [`it was benched from ${topology.file}; start it with shopctl up -t ${topology.file}`]);
  }
  try {
    // Who holds the roles now: after a failover, not the file's primary and master.
    const roles = await running.roles();
    const primaryNode = nodesOfKind(topology, 'mysql').find((n) => n.name === roles.mysqlPrimary) ?? primaryOf(topology, 'mysql');
    const replicaNode = nodesOfKind(topology, 'mysql').find((n) => n.name !== primaryNode.name);
    const cacheNode = nodesOfKind(topology, 'redis').find((n) => n.name === roles.redisMaster) ?? primaryOf(topology, 'redis');
    const primary = await running.openMysql(primaryNode, SHOP_DATABASE);
    const replica = replicaNode === undefined ? null : await running.openMysql(replicaNode, SHOP_DATABASE);
    const cache = await running.openRedis(cacheNode, { commandTimeoutMs: CACHE_COMMAND_TIMEOUT_MS });
    return { primary, primaryName: primaryNode.name, replica, replicaName: replicaNode?.name ?? null, cache, cacheName: cacheNode.name, epoch: roles.epoch, [Symbol.asyncDispose]: () => running.close() };
  } catch (error) {
    await running.close();
    if (error instanceof EnvironmentError) error.details.push('nothing was audited');
    throw error;
  }
}
