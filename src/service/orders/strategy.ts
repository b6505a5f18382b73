import type { RequestTiming } from '../server-timing.js';
import type { OrderRequest } from './order-request.js';

/**
 * What a purchase strategy decides; the database decided it. `duplicate` means the
 * Idempotency-Key already has an order, which the caller replays.
 */
export type PurchaseOutcome =
  | { kind: 'ordered'; orderId: number; stock: number; version: number }
  /** `known`: the database's stock and version when it was read, to teach the cache. */
  | { kind: 'sold_out'; known?: { stock: number; version: number } }
  | { kind: 'unknown_product' }
  | { kind: 'duplicate' };

export interface PurchaseStrategy {
  readonly name: 'seed' | 'atomic' | 'batched';
  /** Decides one purchase, counting its phases in `timing` (Server-Timing). */
  buy(request: OrderRequest, timing: RequestTiming): Promise<PurchaseOutcome>;
  close?(): Promise<void>;
}

/** Thrown inside a transaction to roll it back when the key already has an order. */
export class DuplicateOrder extends Error {}
