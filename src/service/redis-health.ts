import type { EventEmitter } from 'node:events';
import type { DependencyHealth } from './dependency-health.js';

/** How often a PING asks Redis whether it answers. */
const PING_INTERVAL_MS = 1000;

/** What the watch needs of an ioredis client. */
export type RedisConnection = Pick<EventEmitter, 'on' | 'off'> & { ping(): Promise<unknown> };

/**
 * Feeds the Redis client's connection events, and a PING a second, into `health`. The events
 * tell at once when the connection drops (`close`, `error`) or is ready again (`ready`); a Redis
 * that stalls with its connection open (paused, or cut off without a reset) emits none, and
 * only a command running out of its time (WAITS.redisCommandMs) tells. One PING at a time, so a
 * stalled Redis is not sent a pile of them.
 *
 * Returns the stop, called before the client is disconnected on purpose: that close is no loss.
 */
export function watchRedis(redis: RedisConnection, health: DependencyHealth, intervalMs = PING_INTERVAL_MS): () => void {
  const onError = (error: unknown) => health.failed('redis', error instanceof Error ? error.message : String(error));
  const onClose = () => health.failed('redis', 'connection closed');
  const onReady = () => health.answered('redis');
  redis.on('error', onError);
  redis.on('close', onClose);
  redis.on('ready', onReady);
  let pinging = false;
  const timer = setInterval(() => {
    if (pinging) return;
    pinging = true;
    redis
      .ping()
      .then(onReady, onError)
      .finally(() => {
        pinging = false;
      });
  }, intervalMs).unref();
  return () => {
    clearInterval(timer);
    redis.off('error', onError);
    redis.off('close', onClose);
    redis.off('ready', onReady);
  };
}
