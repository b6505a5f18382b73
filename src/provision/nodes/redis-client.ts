import { Redis } from 'ioredis';
import type { Endpoint } from '../addressing.js';

/** Opens one connection that fails fast (no retries, no offline queue), runs `use`, closes it. */
export async function withRedis<T>(endpoint: Endpoint, password: string, use: (r: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({
    host: endpoint.host,
    port: endpoint.port,
    password,
    lazyConnect: true,
    connectTimeout: 1000,
    // connectTimeout ends once TCP connects: a hung server must not hang a probe either.
    commandTimeout: 2000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => {
    // Reported through the rejected command instead.
  });
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

/** `INFO replication` as key → value. */
export async function replicationInfo(redis: Redis): Promise<Map<string, string>> {
  const text = await redis.info('replication');
  const info = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) info.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return info;
}
