import type { RequestTiming } from '../../server-timing.js';
import type { OrderRequest } from '../order-request.js';
import type { PurchaseOutcome } from '../strategy.js';
import type { StrategyDeps } from './deps.js';

/** The cache gate: a cached stock below the quantity proves the product cannot sell it. */
export async function soldOutByCache(deps: StrategyDeps, request: OrderRequest, timing: RequestTiming): Promise<boolean> {
  const cached = await timing.time('redis', deps.cache.cachedStock(request.productId));
  return cached !== undefined && cached < request.quantity;
}

/**
 * After the transaction (never inside it, where a slow Redis would hold the row lock): the
 * database's stock goes to the cache, so the next buyers of a sold-out product meet the gate.
 */
export async function recordOutcome(deps: StrategyDeps, productId: number, outcome: PurchaseOutcome, timing: RequestTiming): Promise<void> {
  if (outcome.kind === 'ordered') await timing.time('redis', deps.cache.recordStock(productId, outcome.stock, outcome.version));
  if (outcome.kind === 'sold_out' && outcome.known !== undefined) await timing.time('redis', deps.cache.recordStock(productId, outcome.known.stock, outcome.known.version));
}
