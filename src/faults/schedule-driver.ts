import type { FaultInjector } from './injector.js';
import type { PlannedFault } from './schedule.js';
import type { TimelineEntry } from './timeline.js';

/** What the driver tells the bench's live view as faults begin and end. */
export type FaultListener = (event: { entry: TimelineEntry; phase: 'started' | 'healed' | 'failed' }) => void;

/** The order faults are undone in at the end of a run (restarts undo themselves). */
const HEAL_ORDER: readonly PlannedFault['action'][] = ['partition', 'pause', 'kill'];

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

  /**
   * Cancels what has not begun, waits for what is under way, and undoes every fault still in
   * force: partitions first, then paused nodes, then killed ones (an app started again waits for
   * Redis and the primary to answer, so they must be back first). A node a failed fault or heal
   * left down or frozen is healed once more at the end.
   */
  async finish(): Promise<TimelineEntry[]> {
    this.finished = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.running.map((r) => r.work));
    for (const action of HEAL_ORDER) {
      await Promise.all(this.running.filter((r) => r.planned.action === action).map((fault) => fault.healing ?? this.heal(fault)));
    }
    await this.sweepFailed();
    return this.running.map((r) => r.entry).sort((a, b) => a.id - b.id);
  }

  /** The nodes of faults that failed, healed whatever state they were left in (all at once, the driver's last word). */
  private async sweepFailed(): Promise<void> {
    const nodes = [...new Set(this.running.filter((r) => r.entry.error !== null && r.planned.partition === null).flatMap((r) => r.planned.nodes))];
    if (nodes.length === 0) return;
    try {
      await this.injector.heal(nodes);
    } catch {
      // The timeline already says what failed; `shopctl fault heal` or `up` is left to the user.
    }
  }

  private begin(planned: PlannedFault): void {
    if (this.finished) return;
    const entry: TimelineEntry = { id: this.running.length + 1, action: planned.action, target: planned.target, nodes: planned.nodes, startedAtMs: this.elapsed(), healAtMs: null, healedAtMs: null, error: null };
    const fault: Running = { planned, entry, undo: null, work: Promise.resolve(), healing: null };
    this.running.push(fault);
    fault.work = this.inject(fault).then(
      () => {
        this.listener({ entry, phase: planned.action === 'restart' ? 'healed' : 'started' });
        if (planned.forMs !== null && fault.undo !== null && !this.finished) this.after(entry.startedAtMs + planned.forMs - this.elapsed(), () => void this.heal(fault));
      },
      (error: unknown) => {
        entry.error = `${planned.action} failed: ${(error as Error).message}`;
        this.listener({ entry, phase: 'failed' });
      },
    );
  }

  /**
   * Does the fault and keeps how to undo it — set before, since a fault on several nodes may fail
   * half-way and the undoings are harmless on a node it never reached. A restart is healed when
   * its node is ready again.
   */
  private async inject(fault: Running): Promise<void> {
    const { planned, entry } = fault;
    switch (planned.action) {
      case 'kill':
        fault.undo = () => this.injector.startAgain(planned.nodes);
        await this.injector.kill(planned.nodes);
        return;
      case 'pause':
        fault.undo = async () => {
          await this.injector.resume(planned.nodes);
          await this.injector.startThoseDown(planned.nodes);
        };
        await this.injector.pause(planned.nodes);
        return;
      case 'partition': {
        if (planned.partition === null) throw new Error(`${planned.source}: a partition without its sides`);
        const { id } = await this.injector.partition(planned.partition);
        fault.undo = async () => {
          await this.injector.removePartition(id);
          await this.injector.startThoseDown(planned.nodes);
        };
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
