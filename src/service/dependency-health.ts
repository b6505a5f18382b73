import type { DependencyName } from './errors.js';
import { clipReason, type ServiceLog } from './log.js';

/**
 * Whether each dependency answers, as this process last saw it, and a log line for each change
 * only: `dependency_lost` when it first fails, `dependency_regained` (with how long it was
 * down) when it answers again. While it is down every failed command reports again, and so
 * does every success while it is up: those repeats write nothing. A dependency counts as up
 * until it first fails, so a healthy start writes nothing.
 */
export class DependencyHealth {
  /** The dependencies now down, with when they were lost (epoch ms). */
  private readonly down = new Map<DependencyName, number>();

  constructor(
    private readonly log: ServiceLog,
    private readonly now: () => number = Date.now,
  ) {}

  failed(dependency: DependencyName, reason: string): void {
    if (this.down.has(dependency)) return;
    this.down.set(dependency, this.now());
    this.log.event('warn', 'dependency_lost', { dependency, reason: clipReason(reason) });
  }

  answered(dependency: DependencyName): void {
    const since = this.down.get(dependency);
    if (since === undefined) return;
    this.down.delete(dependency);
    this.log.event('info', 'dependency_regained', { dependency, downMs: this.now() - since });
  }

  isDown(dependency: DependencyName): boolean {
    return this.down.has(dependency);
  }
}
