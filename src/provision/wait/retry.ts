import { withDeadline } from '../../async/deadline.js';

/** Time as the wait strategies see it; tests swap in a fake clock instead of sleeping. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Thrown by a probe that ran fine but found the node not ready yet; the message says why. */
export class NotReady extends Error {}

export class WaitTimeout extends Error {
  constructor(
    readonly what: string,
    readonly lastReason: string,
    readonly waitedMs: number,
  ) {
    super(`${what}: not ready after ${(waitedMs / 1000).toFixed(1)}s (${lastReason})`);
  }
}

export interface RetryOptions {
  timeoutMs: number;
  intervalMs?: number;
  clock?: Clock;
  /** Settles when waiting is pointless (the process exited): the wait fails at once. */
  abandon?: Promise<string>;
  /** Aborts the wait (Ctrl-C): it rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** One attempt may hang (a server that accepts and never answers): it gets at least this long. */
const MIN_ATTEMPT_MS = 1000;

/**
 * Calls `attempt` until it resolves or the time is up, remembering the last reason it gave.
 * Any error counts as "not yet": a refused connection is the normal state of a starting server.
 * Each attempt is bounded by the time left, so a hung server cannot stall the wait.
 */
export async function retryUntil<T>(what: string, attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const clock = options.clock ?? systemClock;
  const interval = options.intervalMs ?? 100;
  const started = clock.now();
  let abandonedBecause: string | undefined;
  void options.abandon?.then((reason) => (abandonedBecause = reason));
  let lastReason = 'no attempt finished';
  const giveUpIfPointless = () => {
    options.signal?.throwIfAborted();
    if (abandonedBecause !== undefined) throw new WaitTimeout(what, abandonedBecause, clock.now() - started);
  };
  for (;;) {
    giveUpIfPointless();
    const left = options.timeoutMs - (clock.now() - started);
    try {
      return await withDeadline(attempt(), Math.max(left, MIN_ATTEMPT_MS), options.signal);
    } catch (error) {
      options.signal?.throwIfAborted();
      lastReason = error instanceof Error ? error.message : String(error);
    }
    giveUpIfPointless();
    if (clock.now() - started + interval > options.timeoutMs) throw new WaitTimeout(what, lastReason, clock.now() - started);
    await clock.sleep(interval);
  }
}
