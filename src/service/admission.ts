import { ServiceError } from './errors.js';

/**
 * A bound on the purchases one app process has in progress (issue #12, DESIGN.md §8). Beyond
 * it a purchase is refused at once with 503 `overloaded` and `Retry-After: 1`, before its
 * strategy is called, so no statement ran and nothing was sold for it: a definite failure the
 * client may retry, instead of a queue that grows until its waits time out with an unknown outcome.
 */
export class AdmissionGate {
  private running = 0;
  /** Purchases refused since the process started (`shop_admission_rejected_total`). */
  rejected = 0;

  constructor(readonly limit: number) {
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
}
