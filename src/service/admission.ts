import { ServiceError } from './errors.js';
import { PURCHASE_QUEUE_BUDGET_MS, VIEW_QUEUE_BUDGET_MS } from './waits.js';
import type { Lane } from './work-queue.js';

/** How long a request of each lane may wait before the app starts on it, in ms (service/queue-age.ts). */
export type QueueBudgets = Readonly<Record<Lane, number>>;

export const QUEUE_BUDGETS: QueueBudgets = { purchase: PURCHASE_QUEUE_BUDGET_MS, view: VIEW_QUEUE_BUDGET_MS };

/**
 * What one app process lets in (issue #12, DESIGN.md §8). A purchase is refused at once with
 * 503 `overloaded` and `Retry-After: 1`, before its strategy is called, so no statement ran and
 * nothing was sold for it — a definite failure the client may retry — when:
 * - the process already holds its bound of purchases (running or waiting in its work queue),
 *   instead of a queue that grows until its waits time out with an unknown outcome;
 * - it waited so long before the app could start on it (nginx's connect, the accept queue, the
 *   work queue) that its longest answer would come after nginx gave up (`PURCHASE_QUEUE_BUDGET_MS`).
 * A view is refused when nginx has given up on it already (`VIEW_QUEUE_BUDGET_MS`).
 */
export class AdmissionGate {
  private running = 0;
  /** Purchases refused for the bound since the process started (`shop_admission_rejected_total`). */
  rejected = 0;
  /** Requests refused for their wait before the app, by route (`shop_admission_late_total`). */
  readonly late = { purchase: 0, view: 0 };

  constructor(
    readonly limit: number,
    readonly budgets: QueueBudgets = QUEUE_BUDGETS,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`admission limit must be a positive integer, got ${limit}`);
  }

  /** Purchases in progress now. */
  get inFlight(): number {
    return this.running;
  }

  /** Runs `work` when a place is free; otherwise throws `overloaded` without calling it. */
  async admit<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      this.rejected += 1;
      throw new ServiceError('overloaded', `this app already has ${this.limit} purchases in progress; retry after 1 s`, 1);
    }
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
    }
  }

  /**
   * Throws `overloaded` for a request that waited past its lane's budget before the app could
   * start on it (`queuedMs`: since nginx handed it on; undefined when unknown, and then nothing
   * is refused).
   */
  checkWait(lane: Lane, queuedMs: number | undefined): void {
    if (queuedMs !== undefined && queuedMs > this.budgets[lane]) throw this.refuseLate(lane, queuedMs);
  }

  /** What is left of a request's budget for waiting (ms), undefined when its wait is unknown. */
  budgetLeft(lane: Lane, queuedMs: number | undefined): number | undefined {
    return queuedMs === undefined ? undefined : this.budgets[lane] - queuedMs;
  }

  /** The answer to a request that waited `queuedMs`, past its lane's budget; counted. */
  refuseLate(lane: Lane, queuedMs: number): ServiceError {
    this.late[lane] += 1;
    const why = lane === 'purchase' ? 'its longest answer would come after the load balancer gave up' : 'the load balancer has given up on it';
    return tooLate(queuedMs, this.budgets[lane], why);
  }
}

function tooLate(queuedMs: number, budgetMs: number, why: string): ServiceError {
  return new ServiceError('overloaded', `waited ${Math.round(queuedMs)} ms before this app could start on it, over ${budgetMs} ms: ${why}; retry after 1 s`, 1);
}
