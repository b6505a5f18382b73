import type { HttpConnection } from '../http1/connection.js';
import { attempt, now } from './attempt.js';
import { END_MARGIN_MS, RunEnd, type Executor, type ExecutorContext } from './executor.js';
import { OpenSchedule } from './open-schedule.js';

/**
 * The open model: sends leave on a fixed schedule whatever the answers do. A send finds a free
 * connection, opens a new one up to the cap, or is dropped and counted (k6's
 * dropped_iterations); it never waits, which would hide the server's stall from the latencies.
 */
export class OpenExecutor implements Executor {
  private readonly free: HttpConnection[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly ending: RunEnd;

  constructor(
    private readonly ctx: ExecutorContext,
    private readonly schedule: OpenSchedule,
    private readonly maxConnections: number,
    private readonly timeoutMs: number,
    /** How late each send left its schedule, in ms: the self-check's view of this thread's lag. */
    private readonly onLag: (ms: number, intendedAt: number) => void,
  ) {
    this.ending = new RunEnd(ctx, () => this.inFlight);
  }

  run(): Promise<void> {
    const settled = this.ending.settled();
    this.wake();
    return settled;
  }

  stop(graceMs: number): void {
    clearTimeout(this.timer);
    this.ending.end(graceMs);
  }

  private wake(): void {
    if (this.ending.stopped) return;
    const at = now();
    for (const intendedAt of this.schedule.takeDue(at)) this.sendAt(intendedAt, at);
    const nextAt = this.schedule.nextAt();
    if (nextAt === undefined) {
      this.ending.end(this.timeoutMs + END_MARGIN_MS);
      return;
    }
    this.timer = setTimeout(() => this.wake(), Math.max(0, nextAt - now()));
  }

  private sendAt(intendedAt: number, at: number): void {
    const connection = this.free.pop() ?? (this.ctx.connections.opened < this.maxConnections ? this.ctx.connections.open() : undefined);
    if (connection === undefined) {
      this.ctx.recorder.drop(intendedAt);
      return;
    }
    this.onLag(at - intendedAt, intendedAt);
    this.inFlight += 1;
    attempt(connection, this.ctx.connections, this.ctx.next(), intendedAt, this.ctx.recorder, () => {
      this.inFlight -= 1;
      this.free.push(connection);
    });
  }
}
