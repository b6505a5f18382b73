import { join } from 'node:path';
import { LAUNCHER } from '../../package-root.js';
import { nodesOfKind, primaryOf, type NodeOfKind, type Topology } from '../../topology/model.js';
import type { DatabaseConfig, ServiceConfig } from '../../service/config.js';
import { httpOrigin, listenAddress, peerHost } from '../addressing.js';
import { appReadiness } from '../../clients/http.js';
import { SENTINEL_MASTER_NAME } from '../../clients/sentinel.js';
import type { RunningTopology } from '../../running/running-topology.js';
import type { RenderContext } from '../render-context.js';
import type { NodeHealth, NodeKind } from './node-kind.js';
import { MYSQL_USERS, SHOP_DATABASE } from '../secrets.js';
import { Wait } from '../wait/wait.js';

/** An app node: `shopctl serve` with a config file generated from the topology. */
export const appKind: NodeKind<'app'> = {
  programs: [],

  directories: () => [],

  files(node, ctx) {
    return [{ path: configFile(ctx, node), content: `${JSON.stringify(serviceConfig(node, ctx), null, 2)}\n`, secret: true }];
  },

  launch(node, ctx) {
    return { command: process.execPath, args: [LAUNCHER, 'serve', '--config', configFile(ctx, node)] };
  },

  readiness(node, ctx) {
    return [Wait.forHttp(`${httpOrigin(ctx.addressing, node)}/readyz`)];
  },

  health: (node, running) => appHealth(node, running),
};

function configFile(ctx: RenderContext, node: NodeOfKind<'app'>): string {
  return join(ctx.paths.node(node.name).dir, 'service.json');
}

export function serviceConfig(node: NodeOfKind<'app'>, ctx: RenderContext): ServiceConfig {
  const { topology, secrets, addressing } = ctx;
  const databases = nodesOfKind(topology, 'mysql');
  // The roles now: an app restarted after a failover starts on the new primary.
  const primary = databases.find((n) => n.name === ctx.roles.mysqlPrimary) ?? primaryOf(topology, 'mysql');
  const redis = nodesOfKind(topology, 'redis').find((n) => n.name === ctx.roles.redisMaster) ?? primaryOf(topology, 'redis');
  // Views read a replica; without one they read the primary.
  const replica = databases.find((n) => n.name !== primary.name) ?? primary;
  const login = (database: NodeOfKind<'mysql'>, pool: number): DatabaseConfig => ({
    host: peerHost(addressing, database),
    port: database.port,
    user: MYSQL_USERS.app,
    password: secrets.mysqlAppPassword,
    database: SHOP_DATABASE,
    pool,
  });
  return {
    node: node.name,
    host: listenAddress(addressing, node),
    port: node.port,
    strategy: topology.app.strategy,
    cacheTtlSeconds: topology.app.cacheTtlSeconds,
    nearCacheMs: topology.app.nearCacheMs,
    workers: topology.app.workers,
    maxPurchasesInFlight: maxPurchasesInFlight(topology.app),
    concurrency: appConcurrency(topology.app),
    serverTiming: topology.app.serverTiming,
    redis: { host: peerHost(addressing, redis), port: redis.port, password: secrets.redisPassword, ...sentinels(ctx) },
    mysql: {
      primary: login(primary, topology.app.pools.primary),
      replica: login(replica, topology.app.pools.replica),
      // With replicas, the primary's pool follows the writable server after a failover.
      ...(databases.length > 1 ? { candidates: databases.map((n) => ({ host: peerHost(addressing, n), port: n.port })) } : {}),
    },
  };
}

/** With `ha.redis: sentinel` the app finds the master through the Sentinels and follows it. */
function sentinels({ topology, addressing }: RenderContext): Pick<ServiceConfig['redis'], 'sentinels' | 'masterName'> {
  if (topology.ha.redis !== 'sentinel') return {};
  return { sentinels: nodesOfKind(topology, 'sentinel').map((n) => ({ host: peerHost(addressing, n), port: n.port })), masterName: SENTINEL_MASTER_NAME };
}

/**
 * The admission bound of one app process: the topology's, or 8 × its purchase lane's places
 * (`app.concurrency`). Purchases beyond the lane wait in its queue, where the wait budget
 * (waits.ts `PURCHASE_QUEUE_BUDGET_MS`) bounds how long; this bounds how many, so a flood is
 * refused at once. At 6000 closed-model connections on 16 cores, 8 × the primary pool (288, the
 * bound before) refused 376 616 purchases in 30 s that a queue of a second or two would have
 * carried (README, Measured).
 */
export function maxPurchasesInFlight(app: Topology['app']): number {
  return app.maxPurchasesInFlight ?? appConcurrency(app) * 8;
}

/**
 * How many requests of each lane (views, purchases) of one app process do I/O at once: the
 * topology's, or `DEFAULT_CONCURRENCY`; beyond it a request waits in order
 * (service/work-queue.ts).
 */
export function appConcurrency(app: Topology['app']): number {
  return app.concurrency ?? DEFAULT_CONCURRENCY;
}

/**
 * 256 per lane: at 6000 connections on 2 cores, 580 let transactions take 1.8 s (an event loop
 * iteration behind each round trip) and 128 left views waiting 3 s for a place; 256 carried
 * the most (README, Measured). The database pools bound the purchases that run in any case.
 */
const DEFAULT_CONCURRENCY = 256;

async function appHealth(node: NodeOfKind<'app'>, running: RunningTopology): Promise<NodeHealth> {
  const readiness = await appReadiness(running.origin(node));
  const checks = Object.entries(readiness.checks).map(([k, v]) => `${k} ${v}`).join(', ');
  return { healthy: readiness.status === 200, detail: `readyz ${readiness.status}${checks ? ` (${checks})` : ''}` };
}
