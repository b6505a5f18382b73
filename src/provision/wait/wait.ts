import { httpThroughWait, httpWait } from './http-wait.js';
import { mysqlAnsweringWait, mysqlPingWait, mysqlReplicaRunningWait } from './mysql-wait.js';
import { redisPingWait, redisReplicaLinkWait } from './redis-wait.js';
import { retryUntil, type RetryOptions } from './retry.js';
import { sentinelQuorumWait } from './sentinel-wait.js';
import type { WaitStrategy } from './wait-strategy.js';

/** The readiness probes, one per kind, behind one facade: `Wait.forHttp(url)`. */
export const Wait = {
  forHttp: httpWait,
  forHttpThrough: httpThroughWait,
  forRedisPing: redisPingWait,
  forRedisReplicaLink: redisReplicaLinkWait,
  forSentinelQuorum: sentinelQuorumWait,
  forMysqlAnswering: mysqlAnsweringWait,
  forMysqlPing: mysqlPingWait,
  forMysqlReplicaRunning: mysqlReplicaRunningWait,
};

/** Polls each strategy in turn until it passes; one time budget for all of them. */
export async function waitUntilReady(strategies: readonly WaitStrategy[], options: RetryOptions): Promise<void> {
  const clock = options.clock;
  const started = clock?.now() ?? Date.now();
  for (const strategy of strategies) {
    const spent = (clock?.now() ?? Date.now()) - started;
    await retryUntil(strategy.description, () => strategy.check(), { ...options, timeoutMs: Math.max(options.timeoutMs - spent, 0) });
  }
}
