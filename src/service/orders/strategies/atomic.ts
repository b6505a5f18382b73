import { isDuplicateKey } from '../../database.js';
import type { OrderRequest } from '../order-request.js';
import { decrementIfAvailable, insertOrder, readStock } from '../order-store.js';
import { DuplicateOrder, type PurchaseOutcome, type PurchaseStrategy } from '../strategy.js';
import type { StrategyDeps } from './deps.js';

/**
 * The database row is the arbiter: one short transaction with a conditional decrement
 * (`stock >= ?`, one row or none) and the order INSERT. The cached stock, never lower than the
 * database's, answers sold-out without touching the database; when Redis is down the database
 * alone decides, so selling goes on safely.
 */
export function atomicStrategy(deps: StrategyDeps): PurchaseStrategy {
  return {
    name: 'atomic',
    async buy(request) {
      if (await soldOutByCache(deps, request)) return { kind: 'sold_out' };
      const outcome = await buyInTransaction(deps, request);
      await recordOutcome(deps, request.productId, outcome);
      return outcome;
    },
  };
}

/**
 * After the transaction (never inside it, where a slow Redis would hold the row lock): the
 * database's stock goes to the cache, so the next buyers of a sold-out product meet the gate.
 */
export async function recordOutcome(deps: StrategyDeps, productId: number, outcome: PurchaseOutcome): Promise<void> {
  if (outcome.kind === 'ordered') await deps.cache.recordStock(productId, outcome.stock, outcome.version);
  if (outcome.kind === 'sold_out' && outcome.known !== undefined) await deps.cache.recordStock(productId, outcome.known.stock, outcome.known.version);
}

/** The cache gate: a cached stock below the quantity proves the product cannot sell it. */
export async function soldOutByCache(deps: StrategyDeps, request: OrderRequest): Promise<boolean> {
  const cached = await deps.cache.cachedStock(request.productId);
  return cached !== undefined && cached < request.quantity;
}

async function buyInTransaction(deps: StrategyDeps, request: OrderRequest): Promise<PurchaseOutcome> {
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
    });
  } catch (error) {
    if (error instanceof DuplicateOrder) return { kind: 'duplicate' };
    throw error;
  }
}

/** INSERT the order; a key that already has one rolls the transaction back (stock restored). */
export async function insertOrderOnce(c: Parameters<typeof insertOrder>[0], request: OrderRequest): Promise<number> {
  try {
    return await insertOrder(c, request);
  } catch (error) {
    if (isDuplicateKey(error)) throw new DuplicateOrder();
    throw error;
  }
}
