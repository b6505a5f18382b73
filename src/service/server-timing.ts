/**
 * Where one request's time went inside the app, sent as `Server-Timing` (W3C Server Timing) on
 * its answer, so the bench can split each class's latency by tier (issue #12, DESIGN.md §8).
 * The phases run one after another; `app` is the whole time from routing to the answer, so
 * the phases add up to at most `app`.
 */
/** The app's phases, in the order a request meets them (the header and the bench's report keep it). */
export const PHASE_NAMES = ['near', 'admission', 'redis', 'lock', 'batch', 'replica', 'pool', 'tx'] as const;

export type Phase = (typeof PHASE_NAMES)[number];

export const PHASES: Readonly<Record<Phase, string>> = {
  near: "this app's memory (the near cache)",
  admission: "waiting in the app process's queue of work for a place to do I/O (app.concurrency; work-queue.ts)",
  redis: 'Redis commands: the cached stock or product, the cache fill and update',
  lock: "the seed strategy's product lock in Redis: taking it, waiting for it, releasing it",
  batch: "the batched strategy's wait for its purchase's group to start",
  replica: "a view miss's wait for the product: the database read (the replica, or the primary when the replica lacks the row), its pool wait, the cache fill",
  pool: 'waiting for a free primary connection',
  tx: 'using a primary connection: the purchase transaction, or a read of an order',
};

const PHASE_INDEX = Object.fromEntries(PHASE_NAMES.map((name, i) => [name, i])) as Record<Phase, number>;
/** Each phase's entry as the header starts it. */
const ENTRY_START = PHASE_NAMES.map((name) => `${name};dur=`);

/** The app's whole time, beside the phases in the header. */
export const APP_TOTAL = 'app';

/**
 * One request's phases. Disabled (the topology's `app.serverTiming: false`), it counts nothing
 * and `time` adds no step to the awaited work: only the request's elapsed time is kept.
 */
export class RequestTiming {
  // A plain array and a bit per phase used: this runs on every answer, the near-cache hit's
  // included, so it allocates one small array and formats without toFixed (bench:service).
  // One slot per PHASE_NAMES entry, written out: a literal costs less than building one.
  private readonly spent = [0, 0, 0, 0, 0, 0, 0, 0];
  private used = 0;
  private readonly startedAt = performance.now();

  constructor(readonly enabled = true) {}

  add(phase: Phase, ms: number): void {
    if (!this.enabled) return;
    const i = PHASE_INDEX[phase];
    this.spent[i] = (this.spent[i] as number) + ms;
    this.used |= 1 << i;
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
    for (let i = 0; i < PHASE_NAMES.length; i++) if (other.used & (1 << i)) this.add(PHASE_NAMES[i] as Phase, other.spent[i] as number);
  }

  /** Milliseconds since the request was routed. */
  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  /** The header value: each phase spent (in PHASE_NAMES' order), then the app's total so far, in ms to 0.01. */
  header(): string {
    let value = '';
    for (let i = 0; i < ENTRY_START.length; i++) if (this.used & (1 << i)) value += `${ENTRY_START[i]}${hundredths(this.spent[i] as number)}, `;
    return `${value}${APP_TOTAL};dur=${hundredths(this.elapsedMs())}`;
  }
}

/** Milliseconds rounded to 0.01, written as short as they are ("0.4", "12"). */
function hundredths(ms: number): string {
  return String(Math.round(ms * 100) / 100);
}
