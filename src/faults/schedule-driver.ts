import type { FaultInjector } from './injector.js';
import type { PlannedFault } from './schedule.js';
import type { TimelineEntry } from './timeline.js';

/** What the driver tells the bench's live view as faults begin and end. */
export type FaultListener = (event: { entry: TimelineEntry; phase: 'started' | 'healed' | 'failed' }) => void;

interface Running {
  planned: PlannedFault;
  entry: TimelineEntry;
  /** How to undo it; null once undone (or for a restart, which undoes itself). */
  undo: (() => Promise<void>) | null;
  /** The fault's own work (a restart waits for readiness), awaited before the run's final heal. */
  work: Promise<void>;
  /** Its undoing once begun (by its `for` timer or by `finish`). */
  healing: Promise<void> | null;
}

/**
 * Drives a run's fault schedule on the load's clock: each fault at `startAt + atMs`, undone after
 * `forMs`, every one still in force undone when the run ends (also on Ctrl-C, through `finish`).
 * It never stops the load: a fault or heal that fails is written into the timeline's `error`.
 */
export class ScheduleDriver {
  private readonly running: Running[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private startAt = 0;
  private finished = false;

  constructor(
    private readonly injector: FaultInjector,
    private readonly plan: readonly PlannedFault[],
    private readonly listener: FaultListener = () => {},
    private readonly now: () => number = () => performance.timeOrigin + performance.now(),
  ) {}

  /** Arms the schedule; `startAt` is the load's start on the `now` clock. */
  start(startAt: number): void {
    this.startAt = startAt;
    for (const planned of this.plan) this.after(startAt + planned.atMs - this.now(), () => this.begin(planned));
  }

  /** Cancels what has not begun, waits for what is under way, undoes every fault still in force. */
  async finish(): Promise<TimelineEntry[]> {
    this.finished = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.running.map((r) => r.work));
    for (const fault of this.running) await (fault.healing ?? this.heal(fault));
    return this.running.map((r) => r.entry).sort((a, b) => a.id - b.id);
  }

  private begin(planned: PlannedFault): void {
    if (this.finished) return;
    const entry: TimelineEntry = { id: this.running.length + 1, action: planned.action, target: planned.target, nodes: planned.nodes, startedAtMs: this.elapsed(), healAtMs: null, healedAtMs: null, error: null };
    const fault: Running = { planned, entry, undo: null, work: Promise.resolve(), healing: null };
    this.running.push(fault);
    fault.work = this.inject(fault).then(
      () => {
        this.listener({ entry, phase: planned.action === 'restart' ? 'healed' : 'started' });
        if (planned.forMs !== null && fault.undo !== null) this.after(entry.startedAtMs + planned.forMs - this.elapsed(), () => void this.heal(fault));
      },
      (error: unknown) => {
        entry.error = `${planned.action} failed: ${(error as Error).message}`;
        this.listener({ entry, phase: 'failed' });
      },
    );
  }

  /** Does the fault and keeps how to undo it; a restart is healed when its node is ready again. */
  private async inject(fault: Running): Promise<void> {
    const { planned, entry } = fault;
    switch (planned.action) {
      case 'kill':
        await this.injector.kill(planned.nodes);
        fault.undo = () => this.injector.startAgain(planned.nodes);
        return;
      case 'pause':
        await this.injector.pause(planned.nodes);
        fault.undo = async () => void (await this.injector.resume(planned.nodes));
        return;
      case 'partition': {
        if (planned.partition === null) throw new Error(`${planned.source}: a partition without its sides`);
        const { id } = await this.injector.partition(planned.partition);
        fault.undo = async () => this.injector.removePartition(id);
        return;
      }
      case 'restart':
        // Recovery after a restart counts from the fault itself: the node undoes it by starting.
        entry.healAtMs = entry.startedAtMs;
        await this.injector.restart(planned.nodes);
        entry.healedAtMs = this.elapsed();
        return;
    }
  }

  private heal(fault: Running): Promise<void> {
    if (fault.undo === null) return fault.healing ?? Promise.resolve();
    fault.healing = this.undo(fault, fault.undo);
    fault.undo = null;
    return fault.healing;
  }

  private async undo(fault: Running, undo: () => Promise<void>): Promise<void> {
    fault.entry.healAtMs = this.elapsed();
    try {
      await undo();
      fault.entry.healedAtMs = this.elapsed();
      this.listener({ entry: fault.entry, phase: 'healed' });
    } catch (error) {
      fault.entry.error = `healing failed: ${(error as Error).message}`;
      this.listener({ entry: fault.entry, phase: 'failed' });
    }
  }

  private after(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, Math.max(0, ms));
    this.timers.add(timer);
  }

  private elapsed(): number {
    return Math.round(this.now() - this.startAt);
  }
}
