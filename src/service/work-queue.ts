import type { RequestTiming } from './server-timing.js';

/** Which line a request waits in: views and purchases each have their own places. */
export const LANES = ['purchase', 'view'] as const;
export type Lane = (typeof LANES)[number];

/**
 * The app process's queue of work (issue #12): in each lane, views past the near cache and
 * purchases, at most `limit` requests do I/O at once; the rest wait in their lane, first come
 * first served, and record the wait as their `admission` phase.
 *
 * Why a queue of its own: without one, every request nginx hands the process starts at once,
 * and at 6000 connections a process had 3 000 in flight. Its event loop then ran up to 1024
 * ready events per iteration, so each of a purchase's ten or so round trips (lock, stock, BEGIN,
 * SELECT, UPDATE, INSERT, COMMIT…) waited a whole long iteration: transactions took 1.5–2.4 s
 * and answers came after nginx gave up. Bounded, the admitted requests finish in a few short
 * iterations, and the others wait in order where their wait is known (`admission`), so a
 * request that waited too long is refused before it starts (admission.ts).
 *
 * Why two lanes: a purchase may hold its place for seconds (the seed strategy's lock on a hot
 * product), a view for a millisecond. In one line the purchases took every place and views
 * waited 5 s behind them (measured: 2 cores, 6000 connections, one line with purchases first).
 */
/** Thrown by `run` when a request waited `maxWaitMs` for a place: its work never started. */
export class QueueTimeout extends Error {
  constructor(readonly waitedMs: number) {
    super(`waited ${Math.round(waitedMs)} ms for a place in the work queue`);
  }
}

/** A request waiting for a place; one whose wait ran out stays in line, passed over. */
interface Waiter {
  start: () => void;
  gaveUp: boolean;
}

export class WorkQueue {
  private readonly lanes: Record<Lane, { active: number; line: FifoQueue<Waiter> }> = {
    purchase: { active: 0, line: new FifoQueue() },
    view: { active: 0, line: new FifoQueue() },
  };

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`work queue limit must be a positive integer, got ${limit}`);
  }

  /** Requests doing I/O now, per lane. */
  running(lane: Lane): number {
    return this.lanes[lane].active;
  }

  /** Requests in line for a place, per lane (those whose wait ran out included, until passed over). */
  waiting(lane: Lane): number {
    return this.lanes[lane].line.size;
  }

  /**
   * Runs `work` once a place in its lane is free, counting the wait as `timing`'s `admission`
   * phase. With `maxWaitMs`, a wait that reaches it throws `QueueTimeout` instead, and `work`
   * never runs.
   */
  async run<T>(lane: Lane, timing: RequestTiming, work: () => Promise<T>, maxWaitMs?: number): Promise<T> {
    const places = this.lanes[lane];
    if (places.active < this.limit) {
      places.active += 1;
    } else {
      const queued = performance.now();
      // The place is handed over by the request that leaves it (`active` stays as it is).
      await new Promise<void>((resolve, reject) => {
        const waiter: Waiter = { start: resolve, gaveUp: false };
        places.line.push(waiter);
        if (maxWaitMs === undefined) return;
        const timer = setTimeout(() => {
          waiter.gaveUp = true;
          reject(new QueueTimeout(performance.now() - queued));
        }, Math.max(0, maxWaitMs));
        waiter.start = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      timing.add('admission', performance.now() - queued);
    }
    try {
      return await work();
    } finally {
      this.handOver(lane);
    }
  }

  /** Gives a leaving request's place to the first in its lane still waiting, or frees it. */
  private handOver(lane: Lane): void {
    const places = this.lanes[lane];
    for (let next = places.line.shift(); next !== undefined; next = places.line.shift()) {
      if (next.gaveUp) continue;
      next.start();
      return;
    }
    places.active -= 1;
  }
}

/** A first-in first-out queue with O(1) push and shift (Array#shift moves every element). */
class FifoQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head += 1;
    // Compact once the consumed part is half the array.
    if (this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
