/**
 * Where one request's time went inside the app, sent as `Server-Timing` (W3C Server Timing) on
 * its answer, so the bench can split each class's latency by tier (issue #12, DESIGN.md §8).
 * The phases run one after another; `app` is the whole time from routing to the answer, so
 * the phases add up to at most `app`.
 */
export const PHASES = {
  near: "this app's memory (the near cache)",
  redis: 'Redis commands: the cached stock or product, the cache fill and update',
  replica: "a view miss's wait for the product: the database read (the replica, or the primary when the replica lacks the row), its pool wait, the cache fill",
  lock: "the seed strategy's product lock in Redis: taking it, waiting for it, releasing it",
  batch: "the batched strategy's wait for its purchase's group to start",
  pool: 'waiting for a free primary connection',
  tx: 'using a primary connection: the purchase transaction, or a read of an order',
} as const;

export type Phase = keyof typeof PHASES;

/** The app's whole time, beside the phases in the header. */
export const APP_TOTAL = 'app';

/**
 * One request's phases. Disabled (the topology's `app.serverTiming: false`), it counts nothing
 * and `time` adds no step to the awaited work: only the request's elapsed time is kept.
 */
export class RequestTiming {
  private readonly spent = new Map<Phase, number>();
  private readonly startedAt = performance.now();

  constructor(readonly enabled = true) {}

  add(phase: Phase, ms: number): void {
    if (this.enabled) this.spent.set(phase, (this.spent.get(phase) ?? 0) + ms);
  }

  /** Awaits `work`, counting the wait to `phase` whether it succeeds or fails. */
  time<T>(phase: Phase, work: Promise<T>): Promise<T> {
    return this.enabled ? this.timed(phase, work) : work;
  }

  private async timed<T>(phase: Phase, work: Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work;
    } finally {
      this.add(phase, performance.now() - started);
    }
  }

  /** Adds another timing's phases (a group transaction shared by its buyers). */
  merge(other: RequestTiming): void {
    for (const [phase, ms] of other.spent) this.add(phase, ms);
  }

  /** Milliseconds since the request was routed. */
  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  /** The header value: each phase spent, then the app's total so far, in ms with two decimals. */
  header(): string {
    let value = '';
    for (const [phase, ms] of this.spent) value += `${phase};dur=${ms.toFixed(2)}, `;
    return `${value}${APP_TOTAL};dur=${this.elapsedMs().toFixed(2)}`;
  }
}
