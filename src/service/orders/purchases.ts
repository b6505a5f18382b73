import type { PurchaseStrategy as StrategyName } from '../../topology/schema.js';
import { ServiceError, unavailable } from '../errors.js';
import type { ProductCache } from '../cache/product-cache.js';
import type { Database } from '../database.js';
import type { OrderEvents } from '../events.js';
import type { Metrics } from '../metrics.js';
import type { RequestTiming } from '../server-timing.js';
import type { OrderRequest } from './order-request.js';
import { findOrderByKey, type StoredOrder } from './order-store.js';
import type { PurchaseStrategy } from './strategy.js';

export interface PurchaseAnswer {
  status: 201;
  body: { orderId: number; productId: number; quantity: number };
  /** True when the Idempotency-Key had an order already and this is its first answer again. */
  replayed: boolean;
}

/**
 * `POST /orders` after validation: the strategy decides, the database being the arbiter, and
 * the Idempotency-Key makes a purchase happen at most once. A key that already has an order
 * gets that order's answer back, whatever the stock is now; the same key with another product,
 * quantity or user is refused (422) rather than silently answered with a different order.
 */
export class Purchases {
  constructor(
    private readonly strategies: Record<StrategyName, PurchaseStrategy>,
    private readonly primary: Database,
    private readonly cache: ProductCache,
    private readonly events: OrderEvents,
    private readonly metrics: Metrics,
    private readonly node: string,
  ) {}

  async purchase(strategyName: StrategyName, request: OrderRequest, timing: RequestTiming): Promise<PurchaseAnswer> {
    const strategy = this.strategies[strategyName];
    try {
      const answer = await this.decide(strategy, request, timing);
      this.metrics.purchases.labels(strategy.name, answer.replayed ? 'replayed' : 'ordered').inc();
      return answer;
    } catch (error) {
      const outcome = error instanceof ServiceError ? error.code : 'error';
      this.metrics.purchases.labels(strategy.name, outcome).inc();
      // A failure with an unknown outcome (a cut-off COMMIT may have committed) leaves the cached
      // stock possibly too high: drop it. A refusal before any statement ran changed nothing.
      if (!(error instanceof ServiceError) || error.outcomeUnknown) await timing.time('redis', this.cache.forgetStock(request.productId));
      throw error;
    }
  }

  private async decide(strategy: PurchaseStrategy, request: OrderRequest, timing: RequestTiming): Promise<PurchaseAnswer> {
    const outcome = await strategy.buy(request, timing);
    switch (outcome.kind) {
      case 'ordered':
        this.events.publish({ orderId: outcome.orderId, productId: request.productId, quantity: request.quantity, stock: outcome.stock, version: outcome.version, node: this.node });
        return { status: 201, body: { orderId: outcome.orderId, productId: request.productId, quantity: request.quantity }, replayed: false };
      case 'duplicate':
        return this.replay(request, await this.earlierOrder(request, timing));
      case 'sold_out':
      case 'unknown_product': {
        // A retry of a key that bought before must get its order back, not "sold out".
        const earlier = await this.earlierOrder(request, timing);
        if (earlier !== undefined) return this.replay(request, earlier);
        if (outcome.kind === 'sold_out') throw new ServiceError('sold_out', `product ${request.productId} has fewer than ${request.quantity} left`);
        throw new ServiceError('product_not_found', `no product with id ${request.productId}`);
      }
    }
  }

  /**
   * The order an earlier attempt of this key made, if any. When the lookup itself fails the key
   * may have bought: the answer is `unavailable` with an unknown outcome, never `busy`, which
   * promises that nothing was sold.
   */
  private async earlierOrder(request: OrderRequest, timing: RequestTiming): Promise<StoredOrder | undefined> {
    try {
      return await findOrderByKey(this.primary, request.idempotencyKey, timing);
    } catch (error) {
      if (!(error instanceof ServiceError) || error.code !== 'busy') throw error;
      throw outcomeUnknown(unavailable('primary', 'primary database (the earlier order of this Idempotency-Key)', error));
    }
  }

  private replay(request: OrderRequest, order: StoredOrder | undefined): PurchaseAnswer {
    // The key bought (its INSERT met the unique key) but its order is not visible yet.
    if (order === undefined) throw outcomeUnknown(new ServiceError('unavailable', 'the order of this Idempotency-Key is not readable yet; retry', 1));
    if (order.productId !== request.productId || order.quantity !== request.quantity || order.userId !== request.userId) {
      throw new ServiceError('idempotency_key_reused', `Idempotency-Key ${request.idempotencyKey} was used for order ${order.orderId} with other values`);
    }
    return { status: 201, body: { orderId: order.orderId, productId: order.productId, quantity: order.quantity }, replayed: true };
  }
}

function outcomeUnknown(error: ServiceError): ServiceError {
  error.outcomeUnknown = true;
  return error;
}
