import { Redis } from 'ioredis';
import mysql, { type Pool } from 'mysql2/promise';
import type { DatabaseConfig, ServiceConfig } from './config.js';

/** The service's connections: one Redis client and a bounded pool per database. */
export interface Dependencies {
  redis: Redis;
  primary: Pool;
  replica: Pool;
  close(): Promise<void>;
}

export function connectDependencies(config: ServiceConfig): Dependencies {
  const redis = new Redis({
    host: config.redis.host,
    port: config.redis.port,
    password: config.redis.password,
    // Fail a command fast while Redis is down instead of queueing it without bound.
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  redis.on('error', () => {
    // Surfaced per request as a 503 and by /readyz; the client reconnects by itself.
  });
  const primary = createPool(config.mysql.primary);
  const replica = createPool(config.mysql.replica);
  return {
    redis,
    primary,
    replica,
    async close() {
      redis.disconnect();
      await Promise.allSettled([primary.end(), replica.end()]);
    },
  };
}

function createPool(db: DatabaseConfig): Pool {
  return mysql.createPool({
    host: db.host,
    port: db.port,
    user: db.user,
    password: db.password,
    database: db.database,
    connectionLimit: db.pool,
    // A request waits for a connection a bounded time, never in an unbounded queue.
    queueLimit: db.pool * 4,
    connectTimeout: 2000,
    enableKeepAlive: true,
  });
}
