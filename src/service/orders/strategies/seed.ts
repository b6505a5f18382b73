import { ServiceError, unavailable } from '../../errors.js';
import type { RequestTiming } from '../../server-timing.js';
import { decrementAtVersion, insertOrderOnce, readStock } from '../order-store.js';
import { DuplicateOrder, type PurchaseOutcome, type PurchaseStrategy } from '../strategy.js';
import type { StrategyDeps } from './deps.js';
import { recordOutcome } from './stock-gate.js';

/**
 * The reproduced four-layer design, faithfully (DESIGN section 1): Redis lock per product →
 * stock check in the cache → DB transaction (SELECT … FOR UPDATE, version-checked UPDATE,
 * order INSERT) → cached stock updated by a Lua script → lock released. The order.created
 * event follows (published by the caller). Without Redis it cannot lock: it answers 503.
 */
export function seedStrategy(deps: StrategyDeps): PurchaseStrategy {
  return {
    name: 'seed',
    async buy(request, timing) {
      const token = await timing.time('lock', deps.lock.acquire(request.productId));
      try {
        const cached = await timing.time('redis', deps.cache.cachedStockStrict(request.productId)).catch((error: unknown) => {
          throw unavailable('redis', 'redis (stock check)', error);
        });
        if (cached !== undefined && cached < request.quantity) return { kind: 'sold_out' };
        const outcome = await buyUnderLock(deps, request, timing);
        // The seed design updates the cached stock before it releases the lock.
        await recordOutcome(deps, request.productId, outcome, timing);
        return outcome;
      } finally {
        await timing.time('lock', deps.lock.release(request.productId, token));
      }
    },
  };
}

/**
 * Safe without the lock: after a Redis failover the lock may be granted twice (its key was on the
 * old master only, issue #14), and then both holders get here. `SELECT … FOR UPDATE` queues the
 * second behind the first's COMMIT, so it reads the stock the first left and answers sold out if
 * that is short; the UPDATE at the version read changes one row or none. The row decides.
 */
async function buyUnderLock(deps: StrategyDeps, request: Parameters<PurchaseStrategy['buy']>[0], timing: RequestTiming): Promise<PurchaseOutcome> {
  try {
    return await deps.primary.transaction(async (c) => {
      const row = await readStock(c, request.productId, true);
      if (row === undefined) return { kind: 'unknown_product' } as const;
      if (row.stock < request.quantity) return { kind: 'sold_out', known: row } as const;
      if (!(await decrementAtVersion(c, request.productId, request.quantity, row.version))) {
        throw new ServiceError('busy', `product ${request.productId} changed during the purchase`, 1);
      }
      const orderId = await insertOrderOnce(c, request);
      return { kind: 'ordered', orderId, stock: row.stock - request.quantity, version: row.version + 1 } as const;
    }, timing);
  } catch (error) {
    if (error instanceof DuplicateOrder) return { kind: 'duplicate' };
    throw error;
  }
}
