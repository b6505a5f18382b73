import type { Recorder } from '../recorder.js';
import type { BenchRequest } from '../workload.js';
import type { Connections } from './connections.js';

/** What an executor drives: the worker's connections, its request source and its recorder. */
export interface ExecutorContext {
  connections: Connections;
  next: () => BenchRequest;
  recorder: Recorder;
  startAt: number;
  endAt: number;
}

/** Runs the load until `endAt`, or until stopped; `run` resolves once nothing is in flight. */
export interface Executor {
  run(): Promise<void>;
  /** Stop sending now; in-flight requests get `graceMs` to finish before they are aborted. */
  stop(graceMs: number): void;
}

/**
 * At the planned end, requests in flight get their whole timeout plus this margin, so each one
 * ends as answered or timed out, never cut short by the end of the run.
 */
export const END_MARGIN_MS = 1000;

/**
 * Resolves when `inFlight()` reaches 0, or aborts what is left `graceMs` after `stop`. Shared by
 * both executors so the end of a run is the same whatever the model.
 */
export function drain(ctx: ExecutorContext, inFlight: () => number, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (inFlight() > 0) return;
      clearInterval(poll);
      clearTimeout(abort);
      resolve();
    }, 5);
    const abort = setTimeout(() => ctx.connections.destroyAll(), graceMs);
  });
}

/**
 * How a run ends, the same for both models: the first `end` stops sending and drains what is
 * in flight for its grace; a second (Ctrl-C during the planned end's drain) shortens it.
 */
export class RunEnd {
  stopped = false;
  private finish: ((graceMs: number) => void) | undefined;

  constructor(
    private readonly ctx: ExecutorContext,
    private readonly inFlight: () => number,
  ) {}

  /** Resolves once the run has ended and nothing is in flight. */
  settled(): Promise<void> {
    return new Promise((resolve) => {
      this.finish = (graceMs) => void drain(this.ctx, this.inFlight, graceMs).then(resolve);
    });
  }

  end(graceMs: number): void {
    if (this.stopped) {
      setTimeout(() => this.ctx.connections.destroyAll(), graceMs);
      return;
    }
    this.stopped = true;
    this.finish?.(graceMs);
  }
}
