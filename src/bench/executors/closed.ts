import type { HttpConnection } from '../http1/connection.js';
import { attempt, now } from './attempt.js';
import { END_MARGIN_MS, RunEnd, type Executor, type ExecutorContext } from './executor.js';

/** Connections start spread over this much of the warm-up, so the LB's accept queue is not hit by all at once. */
const MAX_RAMP_MS = 1000;

/**
 * The closed model: N connections, each sending its next request as soon as the last answer
 * came. Latency runs from the actual send, as in wrk; a slow server lowers the rate instead.
 */
export class ClosedExecutor implements Executor {
  private inFlight = 0;
  private readonly ending: RunEnd;

  constructor(
    private readonly ctx: ExecutorContext,
    private readonly users: number,
    private readonly rampMs: number,
    private readonly timeoutMs: number,
  ) {
    this.ending = new RunEnd(ctx, () => this.inFlight);
  }

  run(): Promise<void> {
    const ramp = Math.min(MAX_RAMP_MS, this.rampMs);
    for (let i = 0; i < this.users; i++) {
      const connection = this.ctx.connections.open();
      const startAt = this.ctx.startAt + (ramp * i) / this.users;
      setTimeout(() => this.loop(connection), Math.max(0, startAt - now()));
    }
    const settled = this.ending.settled();
    setTimeout(() => this.ending.end(this.timeoutMs + END_MARGIN_MS), Math.max(0, this.ctx.endAt - now()));
    return settled;
  }

  stop(graceMs: number): void {
    this.ending.end(graceMs);
  }

  private loop(connection: HttpConnection): void {
    const sentAt = now();
    if (this.ending.stopped || sentAt >= this.ctx.endAt) return;
    this.inFlight += 1;
    attempt(connection, this.ctx.connections, this.ctx.next(), sentAt, this.ctx.recorder, () => {
      this.inFlight -= 1;
      this.loop(connection);
    });
  }
}
