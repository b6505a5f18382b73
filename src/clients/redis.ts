import { Redis } from 'ioredis';
import type { Endpoint } from '../provision/addressing.js';

export interface RedisOptions {
  /** A command not answered by then fails; the audit's scans take longer than a probe's PING. */
  commandTimeoutMs?: number;
}

/**
 * One connection that fails fast: no retries, no offline queue, so a server that is down is an
 * error at once rather than a hang. Connected before it is returned; the caller disconnects it.
 */
export async function openRedis(endpoint: Endpoint, password: string, options: RedisOptions = {}): Promise<Redis> {
  const redis = new Redis({
    host: endpoint.host,
    port: endpoint.port,
    password,
    lazyConnect: true,
    connectTimeout: 2000,
    // connectTimeout ends once TCP connects: a hung server must not hang a probe either.
    commandTimeout: options.commandTimeoutMs ?? 2000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => {
    // Reported through the rejected command instead.
  });
  try {
    await redis.connect();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw error;
  }
}

/** Opens one fail-fast connection, runs `use`, closes it. */
export async function withRedis<T>(endpoint: Endpoint, password: string, use: (r: Redis) => Promise<T>): Promise<T> {
  const redis = await openRedis(endpoint, password);
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

/** `INFO <section>` as key → value. */
export async function redisInfo(redis: Redis, section: 'replication' | 'clients'): Promise<Map<string, string>> {
  const text = await redis.info(section);
  const info = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) info.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return info;
}
