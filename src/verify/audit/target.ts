import type { Connection } from 'mysql2/promise';
import type { Redis } from 'ioredis';
import { EnvironmentError } from '../../errors.js';
import { SHOP_DATABASE } from '../../provision/secrets.js';
import { RunningTopology } from '../../running/running-topology.js';
import { primaryOf, replicasOf, type Topology } from '../../topology/model.js';

/** The audit scans every cached product: longer than a probe's command timeout. */
const CACHE_COMMAND_TIMEOUT_MS = 10_000;

/** Open connections to what the audit reads: the primary, the replica, the cache; closed with it. */
export interface AuditTarget extends AsyncDisposable {
  primary: Connection;
  replica: Connection | null;
  replicaName: string | null;
  cache: Redis;
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
  const replicaNode = replicasOf(topology, 'mysql')[0];
  try {
    const primary = await running.openMysql(primaryOf(topology, 'mysql'), SHOP_DATABASE);
    const replica = replicaNode === undefined ? null : await running.openMysql(replicaNode, SHOP_DATABASE);
    const cache = await running.openRedis(primaryOf(topology, 'redis'), { commandTimeoutMs: CACHE_COMMAND_TIMEOUT_MS });
    return { primary, replica, replicaName: replicaNode?.name ?? null, cache, [Symbol.asyncDispose]: () => running.close() };
  } catch (error) {
    await running.close();
    if (error instanceof EnvironmentError) error.details.push('nothing was audited');
    throw error;
  }
}
