import mysql, { type Connection } from 'mysql2/promise';
import { Redis } from 'ioredis';
import { EnvironmentError } from '../../errors.js';
import { endpointOf, type Endpoint } from '../../provision/addressing.js';
import { topologyPaths } from '../../provision/home.js';
import { recordedRuntime } from '../../provision/runtime/select.js';
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
  const reach = (node: NodeOfKind<'mysql' | 'redis'>) => endpointOf(recordedRuntime(topology).addressing, node);
  const primaryNode = primaryOf(topology, 'mysql');
  const replicaNode = replicasOf(topology, 'mysql')[0];
  const redisNode = primaryOf(topology, 'redis');
  const opened: { end(): Promise<void> | void }[] = [];
  try {
    const primary = await connectMysql(primaryNode, reach(primaryNode), secrets);
    opened.push(primary);
    const replica = replicaNode === undefined ? null : await connectMysql(replicaNode, reach(replicaNode), secrets);
    if (replica !== null) opened.push(replica);
    const cache = await connectRedis(redisNode, reach(redisNode), secrets.redisPassword);
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

async function connectMysql(node: NodeOfKind<'mysql'>, endpoint: Endpoint, secrets: ReturnType<typeof readSecrets>): Promise<Connection> {
  try {
    return await mysql.createConnection({ ...adminLogin(endpoint, secrets, SHOP_DATABASE), connectTimeout: 3000, rowsAsArray: false, supportBigNumbers: true });
  } catch (error) {
    throw new EnvironmentError(`cannot reach ${node.name} (${endpoint.host}:${endpoint.port}): ${(error as Error).message}`, ['see shopctl status; nothing was audited']);
  }
}

async function connectRedis(node: NodeOfKind<'redis'>, endpoint: Endpoint, password: string): Promise<Redis> {
  const redis = new Redis({ host: endpoint.host, port: endpoint.port, password, lazyConnect: true, connectTimeout: 2000, commandTimeout: 10_000, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw new EnvironmentError(`cannot reach ${node.name} (${endpoint.host}:${endpoint.port}): ${(error as Error).message}`, ['see shopctl status; nothing was audited']);
  }
}
