import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ServiceError, unavailable } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { LOCK_TTL_MS, WAITS } from '../waits.js';

export interface LockOptions {
  /** The lock expires by itself after this long, should its holder die. */
  ttlMs: number;
  /** Waiting longer than this answers 503 busy. */
  maxWaitMs: number;
}

export const DEFAULT_LOCK: LockOptions = { ttlMs: LOCK_TTL_MS, maxWaitMs: WAITS.lockWaitMs };

/**
 * The seed design's per-product Redis lock: SET NX PX with a random token, released by a
 * compare-and-delete script. On an asynchronously replicated master it can be granted twice
 * after a failover (DESIGN section 1): the database row stays the real arbiter (seed.ts,
 * `buyUnderLock`, says where).
 */
export class ProductLock {
  constructor(
    private readonly redis: Redis,
    private readonly metrics: Metrics,
    private readonly options: LockOptions = DEFAULT_LOCK,
  ) {}

  async acquire(productId: number): Promise<string> {
    const token = randomBytes(12).toString('base64url');
    const started = performance.now();
    let pause = 1;
    for (;;) {
      let granted: string | null;
      try {
        granted = await this.redis.set(lockKey(productId), token, 'PX', this.options.ttlMs, 'NX');
      } catch (error) {
        throw unavailable('redis', 'redis (product lock)', error);
      }
      const waited = performance.now() - started;
      if (granted === 'OK') {
        this.metrics.lockWait.observe(waited / 1000);
        return token;
      }
      if (waited >= this.options.maxWaitMs) {
        this.metrics.lockTimeouts.inc();
        throw new ServiceError('busy', `product ${productId} is locked by other purchases for over ${this.options.maxWaitMs} ms`, 1);
      }
      // Back off with jitter so waiters do not hammer Redis in step.
      await new Promise((r) => setTimeout(r, pause + Math.random() * pause));
      pause = Math.min(pause * 2, 16);
    }
  }

  async release(productId: number, token: string): Promise<void> {
    // If Redis is gone the lock expires by its TTL.
    await this.redis.releaseLock(lockKey(productId), token).catch(() => undefined);
  }
}

const lockKey = (productId: number) => `lock:product:${productId}`;
