import { Redis, type RedisOptions } from 'ioredis';
import mysql from 'mysql2/promise';
import { ProductCache } from './cache/product-cache.js';
import { ProductLock } from './cache/product-lock.js';
import { watchStockLineage } from './cache/stock-lineage.js';
import { defineScripts } from './cache/redis-scripts.js';
import type { DatabaseConfig, ServiceConfig } from './config.js';
import { Database } from './database.js';
import { FixedPool, FollowingPrimary } from './database-pools.js';
import { OrderEvents } from './events.js';
import type { Metrics } from './metrics.js';
import { watchRedis } from './redis-health.js';
import { keepConnected } from './redis-reconnect.js';
import type { IncidentLog } from './incident-log.js';
import { WAITS } from './waits.js';

/** The service's connections: one Redis client (plus a subscriber) and a bounded pool per database. */
export interface Dependencies {
  redis: Redis;
  primary: Database;
  replica: Database;
  cache: ProductCache;
  lock: ProductLock;
  events: OrderEvents;
  close(): Promise<void>;
}

/** Connects to the servers; `incidents` hears when one is lost or regained, and when a pool runs dry. */
export function connectDependencies(config: ServiceConfig, metrics: Metrics, incidents: IncidentLog): Dependencies {
  const redis = new Redis(redisOptions(config.redis));
  redis.on('error', () => {
    // Surfaced per request (503, or the database alone decides) and by /readyz; it reconnects.
    // Logged once per loss by watchRedis.
  });
  const stopWatching = watchRedis(redis, incidents.health);
  const stopReconnecting = keepConnected(redis);
  const stopLineage = watchStockLineage(redis, (dropped) => incidents.cacheDropped(dropped));
  defineScripts(redis);
  const candidates = config.mysql.candidates;
  const primaryPool = candidates === undefined ? new FixedPool(config.mysql.primary) : new FollowingPrimary(config.mysql.primary, candidates, (from, to) => incidents.primaryMoved(from, to));
  const primary = new Database('primary', primaryPool, metrics, incidents);
  const replica = new Database('replica', new FixedPool(config.mysql.replica), metrics, incidents);
  const events = new OrderEvents(redis, metrics);
  return {
    redis,
    primary,
    replica,
    cache: new ProductCache(redis, config.cacheTtlSeconds, metrics),
    lock: new ProductLock(redis, metrics),
    events,
    async close() {
      events.close();
      stopReconnecting();
      stopWatching();
      stopLineage();
      redis.disconnect();
      await Promise.allSettled([primary.close(), replica.close()]);
    },
  };
}

/**
 * Fail fast while Redis is down instead of queueing commands without bound: one retry, no
 * offline queue, a time limit per command. With Sentinels (`ha.redis: sentinel`) every connect
 * asks them for the master (and checks it says `role:master`), `failoverDetector` listens for
 * their `+switch-master` and reconnects at once, and a READONLY answer (a master demoted under
 * an open connection) reconnects too. The pub/sub subscriber is a `duplicate()`: it follows the
 * master the same way and subscribes again on each connect (events.ts).
 */
export function redisOptions(config: ServiceConfig['redis']): RedisOptions {
  const common: RedisOptions = {
    password: config.password,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: WAITS.redisCommandMs,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  };
  if (config.sentinels === undefined || config.masterName === undefined) return { ...common, host: config.host, port: config.port };
  return {
    ...common,
    sentinels: config.sentinels,
    name: config.masterName,
    sentinelPassword: config.password,
    sentinelCommandTimeout: WAITS.redisCommandMs,
    // Every Sentinel down: try them again every 100 ms to 1 s, for ever (as the master's retries).
    sentinelRetryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    failoverDetector: true,
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
  };
}
