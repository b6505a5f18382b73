import type { HttpConnection } from '../http1/connection.js';
import { attempt, now } from './attempt.js';
import { drain, END_MARGIN_MS, type Executor, type ExecutorContext } from './executor.js';

/** Connections start spread over this much of the warm-up, so the LB's accept queue is not hit by all at once. */
const MAX_RAMP_MS = 1000;

/**
 * The closed model: N connections, each sending its next request as soon as the last answer
 * came. Latency runs from the actual send, as in wrk; a slow server lowers the rate instead.
 */
export class ClosedExecutor implements Executor {
  private inFlight = 0;
  private stopped = false;
  private finish: ((graceMs: number) => void) | undefined;

  constructor(
    private readonly ctx: ExecutorContext,
    private readonly users: number,
    private readonly rampMs: number,
    private readonly timeoutMs: number,
  ) {}

  run(): Promise<void> {
    const ramp = Math.min(MAX_RAMP_MS, this.rampMs);
    for (let i = 0; i < this.users; i++) {
      const connection = this.ctx.connections.open();
      const startAt = this.ctx.startAt + (ramp * i) / this.users;
      setTimeout(() => this.loop(connection), Math.max(0, startAt - now()));
    }
    return new Promise((resolve) => {
      this.finish = (graceMs) => void drain(this.ctx, () => this.inFlight, graceMs).then(resolve);
      setTimeout(() => this.end(this.timeoutMs + END_MARGIN_MS), Math.max(0, this.ctx.endAt - now()));
    });
  }

  stop(graceMs: number): void {
    this.end(graceMs);
  }

  private end(graceMs: number): void {
    if (this.stopped) {
      // Interrupted while already draining at the planned end: the shorter grace wins.
      setTimeout(() => this.ctx.connections.destroyAll(), graceMs);
      return;
    }
    this.stopped = true;
    this.finish?.(graceMs);
  }

  private loop(connection: HttpConnection): void {
    const sentAt = now();
    if (this.stopped || sentAt >= this.ctx.endAt) return;
    this.inFlight += 1;
    attempt(connection, this.ctx.connections, this.ctx.next(), sentAt, this.ctx.recorder, () => {
      this.inFlight -= 1;
      this.loop(connection);
    });
  }
}
