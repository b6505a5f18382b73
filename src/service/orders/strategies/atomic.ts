import type { RequestTiming } from '../../server-timing.js';
import type { OrderRequest } from '../order-request.js';
import { decrementIfAvailable, insertOrderOnce, readStock } from '../order-store.js';
import { DuplicateOrder, type PurchaseOutcome, type PurchaseStrategy } from '../strategy.js';
import type { StrategyDeps } from './deps.js';
import { recordOutcome, soldOutByCache } from './stock-gate.js';

/**
 * The database row is the arbiter: one short transaction with a conditional decrement
 * (`stock >= ?`, one row or none) and the order INSERT. The cached stock, never lower than the
 * database's, answers sold-out without touching the database; when Redis is down the database
 * alone decides, so selling goes on safely.
 */
export function atomicStrategy(deps: StrategyDeps): PurchaseStrategy {
  return {
    name: 'atomic',
    async buy(request, timing) {
      if (await soldOutByCache(deps, request, timing)) return { kind: 'sold_out' };
      const outcome = await buyInTransaction(deps, request, timing);
      await recordOutcome(deps, request.productId, outcome, timing);
      return outcome;
    },
  };
}

async function buyInTransaction(deps: StrategyDeps, request: OrderRequest, timing: RequestTiming): Promise<PurchaseOutcome> {
  try {
    return await deps.primary.transaction(async (c) => {
      if (!(await decrementIfAvailable(c, request.productId, request.quantity))) {
        const row = await readStock(c, request.productId);
        if (row === undefined) return { kind: 'unknown_product' } as const;
        return { kind: 'sold_out', known: row } as const;
      }
      const orderId = await insertOrderOnce(c, request);
      const row = await readStock(c, request.productId);
      return { kind: 'ordered', orderId, stock: row?.stock ?? 0, version: row?.version ?? 0 } as const;
    }, timing);
  } catch (error) {
    if (error instanceof DuplicateOrder) return { kind: 'duplicate' };
    throw error;
  }
}
