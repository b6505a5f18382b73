import type { HttpConnection } from '../http1/connection.js';
import { attempt, now } from './attempt.js';
import { drain, END_MARGIN_MS, type Executor, type ExecutorContext } from './executor.js';
import { OpenSchedule } from './open-schedule.js';

/**
 * The open model: sends leave on a fixed schedule whatever the answers do. A send finds a free
 * connection, opens a new one up to the cap, or is dropped and counted (k6's
 * dropped_iterations); it never waits, which would hide the server's stall from the latencies.
 */
export class OpenExecutor implements Executor {
  private readonly free: HttpConnection[] = [];
  private inFlight = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private finish: ((graceMs: number) => void) | undefined;

  constructor(
    private readonly ctx: ExecutorContext,
    private readonly schedule: OpenSchedule,
    private readonly maxConnections: number,
    private readonly timeoutMs: number,
    /** How late each send left its schedule, in ms: the self-check's view of this thread's lag. */
    private readonly onLag: (ms: number, intendedAt: number) => void,
  ) {}

  run(): Promise<void> {
    return new Promise((resolve) => {
      this.finish = (graceMs) => void drain(this.ctx, () => this.inFlight, graceMs).then(resolve);
      this.wake();
    });
  }

  stop(graceMs: number): void {
    clearTimeout(this.timer);
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

  private wake(): void {
    if (this.stopped) return;
    const at = now();
    for (const intendedAt of this.schedule.takeDue(at)) this.sendAt(intendedAt, at);
    const nextAt = this.schedule.nextAt();
    if (nextAt === undefined) {
      this.end(this.timeoutMs + END_MARGIN_MS);
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
