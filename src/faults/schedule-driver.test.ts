import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FaultInjector } from './injector.js';
import type { PlannedFault } from './schedule.js';
import { ScheduleDriver } from './schedule-driver.js';

/** A stand-in injector that writes down what it was asked, at the fake clock's time. */
function recordingInjector(calls: string[], failOn?: string): FaultInjector {
  const note = (what: string) => async (...args: unknown[]) => {
    calls.push(`${Date.now()} ${what} ${JSON.stringify(args[0])}`);
    if (what === failOn) throw new Error(`${what} refused`);
    return what === 'partition' ? { id: 7, target: 't', cuts: [] } : [];
  };
  return {
    kill: note('kill'),
    startAgain: note('startAgain'),
    pause: note('pause'),
    resume: note('resume'),
    partition: note('partition'),
    removePartition: note('removePartition'),
    restart: note('restart'),
    heal: note('heal'),
    startThoseDown: note('startThoseDown'),
  } as unknown as FaultInjector;
}

const fault = (over: Partial<PlannedFault>): PlannedFault => ({ atMs: 1000, forMs: 2000, action: 'kill', nodes: ['app1'], partition: null, target: 'app1', source: 'faults[0]', ...over });

describe('ScheduleDriver', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('does each fault at its time on the load clock, undoes it after its for, and times the timeline from the start', async () => {
    const calls: string[] = [];
    const driver = new ScheduleDriver(recordingInjector(calls), [fault({}), fault({ atMs: 1500, forMs: 1000, action: 'pause', nodes: ['redis-master'], target: 'redis-master' })], undefined, () => Date.now());
    driver.start(300); // the load starts 300 ms from now
    await vi.advanceTimersByTimeAsync(5000);
    // A healed pause also starts its node if it was killed meanwhile (by a failover's fencing).
    expect(calls).toEqual(['1300 kill ["app1"]', '1800 pause ["redis-master"]', '2800 resume ["redis-master"]', '2800 startThoseDown ["redis-master"]', '3300 startAgain ["app1"]']);
    const timeline = await driver.finish();
    expect(timeline.map((e) => [e.id, e.action, e.startedAtMs, e.healAtMs, e.healedAtMs, e.error])).toEqual([
      [1, 'kill', 1000, 3000, 3000, null],
      [2, 'pause', 1500, 2500, 2500, null],
    ]);
  });

  it('undoes what is still in force when the load ends early, and never begins what had not begun', async () => {
    const calls: string[] = [];
    const partition = fault({ action: 'partition', partition: { isolate: 'app1' }, target: 'app1 | rest', forMs: null });
    const driver = new ScheduleDriver(recordingInjector(calls), [partition, fault({ atMs: 9000, nodes: ['app2'] })], undefined, () => Date.now());
    driver.start(0);
    await vi.advanceTimersByTimeAsync(1500);
    const timeline = await driver.finish(); // Ctrl-C at 1.5 s
    await vi.advanceTimersByTimeAsync(20_000);
    expect(calls).toEqual(['1000 partition {"isolate":"app1"}', '1500 removePartition 7', '1500 startThoseDown ["app1"]']);
    expect(timeline).toEqual([expect.objectContaining({ action: 'partition', startedAtMs: 1000, healAtMs: 1500, healedAtMs: 1500, error: null })]);
  });

  it('a restart heals itself: its recovery counts from the fault', async () => {
    const calls: string[] = [];
    const driver = new ScheduleDriver(recordingInjector(calls), [fault({ action: 'restart', forMs: null })], undefined, () => Date.now());
    driver.start(0);
    await vi.advanceTimersByTimeAsync(2000);
    const [entry] = await driver.finish();
    expect(calls).toEqual(['1000 restart ["app1"]']);
    expect(entry).toMatchObject({ action: 'restart', startedAtMs: 1000, healAtMs: 1000, healedAtMs: 1000 });
  });

  it('a failed fault is written into the timeline, the load goes on, and what it may have done half-way is undone at the end', async () => {
    const calls: string[] = [];
    const events: string[] = [];
    const driver = new ScheduleDriver(recordingInjector(calls, 'pause'), [fault({ action: 'pause' }), fault({ atMs: 4000 })], ({ entry, phase }) => events.push(`${entry.id} ${phase}`), () => Date.now());
    driver.start(0);
    await vi.advanceTimersByTimeAsync(7000);
    const timeline = await driver.finish();
    expect(timeline[0]).toMatchObject({ action: 'pause', error: 'pause failed: pause refused', healAtMs: 7000 });
    expect(timeline[1]).toMatchObject({ action: 'kill', healAtMs: 6000, error: null });
    expect(events).toEqual(['1 failed', '2 started', '2 healed', '1 healed']);
    // Resumed (a node the pause reached before it failed), then healed once more, whatever state it is in.
    expect(calls.slice(-3)).toEqual(['7000 resume ["app1"]', '7000 startThoseDown ["app1"]', '7000 heal ["app1"]']);
  });

  it('at the end, undoes partitions first, then pauses, then kills (an app waits for its dependencies)', async () => {
    const calls: string[] = [];
    const plan = [
      fault({ atMs: 100, forMs: null, action: 'kill', nodes: ['app1'] }),
      fault({ atMs: 200, forMs: null, action: 'pause', nodes: ['mysql-primary'], target: 'mysql-primary' }),
      fault({ atMs: 300, forMs: null, action: 'partition', nodes: ['app2'], partition: { isolate: 'app2' }, target: 'app2 | rest' }),
    ];
    const driver = new ScheduleDriver(recordingInjector(calls), plan, undefined, () => Date.now());
    driver.start(0);
    await vi.advanceTimersByTimeAsync(1000);
    await driver.finish();
    expect(calls.slice(3).map((c) => c.split(' ')[1])).toEqual(['removePartition', 'startThoseDown', 'resume', 'startThoseDown', 'startAgain']);
  });
});
