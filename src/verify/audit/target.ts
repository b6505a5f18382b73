import mysql, { type Connection } from 'mysql2/promise';
import { Redis } from 'ioredis';
import { EnvironmentError } from '../../errors.js';
import { topologyPaths } from '../../provision/home.js';
import { adminLogin } from '../../provision/nodes/mysql-client.js';
import { readSecrets, SHOP_DATABASE } from '../../provision/secrets.js';
import { readState } from '../../provision/state.js';
import { primaryOf, replicasOf, type NodeOfKind, type Topology } from '../../topology/model.js';

/** Open connections to what the audit reads: the primary, the replica, the cache. */
export interface AuditTarget {
  primary: Connection;
  replica: Connection | null;
  replicaName: string | null;
  cache: Redis;
  close(): Promise<void>;
}

/**
 * Connects to the topology the report came from, or exits 3 naming what cannot be reached:
 * without its databases nothing can be checked.
 */
export async function openAuditTarget(topology: Topology): Promise<AuditTarget> {
  const paths = topologyPaths(topology.name);
  if (readState(paths)?.bootstrappedAt === undefined) {
    throw new EnvironmentError(`topology ${topology.name} is not provisioned here: nothing can be audited`, [`it was benched from ${topology.file}; start it with shopctl up -t ${topology.file}`]);
  }
  const secrets = readSecrets(paths.secretsFile);
  const primaryNode = primaryOf(topology, 'mysql');
  const replicaNode = replicasOf(topology, 'mysql')[0];
  const redisNode = primaryOf(topology, 'redis');
  const opened: { end(): Promise<void> | void }[] = [];
  try {
    const primary = await connectMysql(primaryNode, secrets);
    opened.push(primary);
    const replica = replicaNode === undefined ? null : await connectMysql(replicaNode, secrets);
    if (replica !== null) opened.push(replica);
    const cache = await connectRedis(redisNode, secrets.redisPassword);
    return {
      primary,
      replica,
      replicaName: replicaNode?.name ?? null,
      cache,
      close: async () => {
        await Promise.all([primary.end().catch(() => undefined), replica?.end().catch(() => undefined)]);
        cache.disconnect();
      },
    };
  } catch (error) {
    await Promise.all(opened.map(async (c) => c.end()));
    throw error;
  }
}

async function connectMysql(node: NodeOfKind<'mysql'>, secrets: ReturnType<typeof readSecrets>): Promise<Connection> {
  try {
    return await mysql.createConnection({ ...adminLogin(node, secrets, SHOP_DATABASE), connectTimeout: 3000, rowsAsArray: false, supportBigNumbers: true });
  } catch (error) {
    throw new EnvironmentError(`cannot reach ${node.name} (127.0.0.1:${node.port}): ${(error as Error).message}`, ['see shopctl status; nothing was audited']);
  }
}

async function connectRedis(node: NodeOfKind<'redis'>, password: string): Promise<Redis> {
  const redis = new Redis({ host: '127.0.0.1', port: node.port, password, lazyConnect: true, connectTimeout: 2000, commandTimeout: 10_000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw new EnvironmentError(`cannot reach ${node.name} (127.0.0.1:${node.port}): ${(error as Error).message}`, ['see shopctl status; nothing was audited']);
  }
}
