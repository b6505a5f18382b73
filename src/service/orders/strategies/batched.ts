import { ServiceError } from '../../errors.js';
import { RequestTiming } from '../../server-timing.js';
import { WAITS } from '../../waits.js';
import type { OrderRequest } from '../order-request.js';
import { decrementIfAvailable, insertOrderOnce, keysWithOrders, readStock } from '../order-store.js';
import { DuplicateOrder, type PurchaseOutcome, type PurchaseStrategy } from '../strategy.js';
import { atomicStrategy } from './atomic.js';
import type { StrategyDeps } from './deps.js';
import { soldOutByCache } from './stock-gate.js';

/** Most orders in one transaction; more wait for the next group. */
export const MAX_BATCH = 64;
/** A purchase that waited this long for its group is answered 503 busy (waits.ts orders the timeouts). */
const MAX_QUEUE_WAIT_MS = WAITS.batchWaitMs;

interface Waiting {
  request: OrderRequest;
  /** The buyer's Server-Timing: its wait counts as `batch`, its group's transaction is merged in. */
  timing: RequestTiming;
  enqueuedAt: number;
  /** Answers 503 busy if the purchase is still queued after MAX_QUEUE_WAIT_MS. */
  timer: NodeJS.Timeout;
  resolve(outcome: PurchaseOutcome): void;
  reject(error: unknown): void;
}

/**
 * `atomic`, with concurrent purchases of one product grouped into one transaction, as hot-row
 * group commit does: while one group of a product commits, the next gathers. Inside the
 * transaction the row is locked, stock is handed out in arrival order (an order that does not
 * fit is sold out, a later smaller one may still fit), one UPDATE takes the group's total and
 * each order gets its own INSERT. Every buyer still gets an exact answer.
 */
export function batchedStrategy(deps: StrategyDeps): PurchaseStrategy {
  const groups = new ProductGroups(deps);
  return {
    name: 'batched',
    async buy(request, timing) {
      if (await soldOutByCache(deps, request, timing)) return { kind: 'sold_out' };
      return groups.enqueue(request, timing);
    },
  };
}

class ProductGroups {
  private readonly queues = new Map<number, Waiting[]>();
  private readonly committing = new Set<number>();
  private readonly fallback: PurchaseStrategy;

  constructor(private readonly deps: StrategyDeps) {
    this.fallback = atomicStrategy(deps);
  }

  enqueue(request: OrderRequest, timing: RequestTiming): Promise<PurchaseOutcome> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(request.productId) ?? [];
      const waiting: Waiting = {
        request,
        timing,
        enqueuedAt: performance.now(),
        resolve,
        reject,
        // A group stuck in a stalled commit must not hold the buyers behind it without bound.
        timer: setTimeout(() => {
          const at = queue.indexOf(waiting);
          if (at === -1) return;
          queue.splice(at, 1);
          timing.add('batch', performance.now() - waiting.enqueuedAt);
          reject(new ServiceError('busy', `purchase waited over ${MAX_QUEUE_WAIT_MS} ms for its group`, 1));
        }, MAX_QUEUE_WAIT_MS),
      };
      queue.push(waiting);
      this.queues.set(request.productId, queue);
      this.next(request.productId);
    });
  }

  /** Starts the product's next group unless one is committing; called again when it ends. */
  private next(productId: number): void {
    if (this.committing.has(productId)) return;
    const queue = this.queues.get(productId);
    if (queue === undefined || queue.length === 0) {
      this.queues.delete(productId);
      return;
    }
    const group = this.takeGroup(queue);
    if (group.length === 0) return this.next(productId);
    this.committing.add(productId);
    void this.commit(productId, group).finally(() => {
      this.committing.delete(productId);
      this.next(productId);
    });
  }

  /** Up to MAX_BATCH waiting purchases with distinct keys; repeats of a key wait for the next group. */
  private takeGroup(queue: Waiting[]): Waiting[] {
    const group: Waiting[] = [];
    const keys = new Set<string>();
    const later: Waiting[] = [];
    while (queue.length > 0 && group.length < MAX_BATCH) {
      const waiting = queue.shift() as Waiting;
      if (keys.has(waiting.request.idempotencyKey)) {
        later.push(waiting);
      } else {
        clearTimeout(waiting.timer);
        waiting.timing.add('batch', performance.now() - waiting.enqueuedAt);
        keys.add(waiting.request.idempotencyKey);
        group.push(waiting);
      }
    }
    queue.unshift(...later);
    return group;
  }

  private async commit(productId: number, group: Waiting[]): Promise<void> {
    this.deps.metrics.batchSize.observe(group.length);
    // The group's transaction is every member's: each buyer's timing gets it whole.
    const shared = new RequestTiming();
    let outcomes: PurchaseOutcome[];
    try {
      outcomes = await this.commitGroup(productId, group.map((w) => w.request), shared);
    } catch (error) {
      for (const waiting of group) waiting.timing.merge(shared);
      // A key used concurrently for another product breaks the group's INSERTs: decide each
      // purchase alone instead. Any other failure is every member's answer.
      if (error instanceof DuplicateOrder) return this.oneByOne(group);
      for (const waiting of group) waiting.reject(error);
      return;
    }
    group.forEach((waiting, i) => {
      waiting.timing.merge(shared);
      waiting.resolve(outcomes[i] ?? { kind: 'sold_out' });
    });
  }

  private async commitGroup(productId: number, requests: OrderRequest[], timing: RequestTiming): Promise<PurchaseOutcome[]> {
    const result = await this.deps.primary.transaction(async (c) => {
      const row = await readStock(c, productId, true);
      if (row === undefined) return { outcomes: requests.map(() => ({ kind: 'unknown_product' }) as const), row };
      const ordered = await keysWithOrders(c, requests.map((r) => r.idempotencyKey));
      const { accepted, outcomes, remaining } = allocate(requests, ordered, row.stock);
      if (accepted.length === 0) return { outcomes, row };
      const total = row.stock - remaining;
      if (!(await decrementIfAvailable(c, productId, total))) throw new ServiceError('busy', `product ${productId} changed under its row lock`, 1);
      const version = row.version + 1;
      for (const i of accepted) {
        const request = requests[i] as OrderRequest;
        outcomes[i] = { kind: 'ordered', orderId: await insertOrderOnce(c, request), stock: remaining, version };
      }
      return { outcomes, row: { stock: remaining, version } };
    }, timing);
    if (result.row !== undefined) await timing.time('redis', this.deps.cache.recordStock(productId, result.row.stock, result.row.version));
    return result.outcomes;
  }

  private async oneByOne(group: Waiting[]): Promise<void> {
    for (const waiting of group) {
      await this.fallback.buy(waiting.request, waiting.timing).then(waiting.resolve, waiting.reject);
    }
  }
}

/** Hands out `stock` in arrival order; keys that already have an order are duplicates. */
export function allocate(
  requests: readonly OrderRequest[],
  ordered: ReadonlySet<string>,
  stock: number,
): { accepted: number[]; outcomes: PurchaseOutcome[]; remaining: number } {
  let remaining = stock;
  const accepted: number[] = [];
  const outcomes = requests.map((request, i): PurchaseOutcome => {
    if (ordered.has(request.idempotencyKey)) return { kind: 'duplicate' };
    if (request.quantity > remaining) return { kind: 'sold_out' };
    remaining -= request.quantity;
    accepted.push(i);
    return { kind: 'sold_out' }; // replaced by the order once it is inserted
  });
  return { accepted, outcomes, remaining };
}
