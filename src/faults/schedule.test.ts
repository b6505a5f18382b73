import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { faultEntrySchema, type FaultEntry } from '../scenario/schema.js';
import { parseFaultFlag, planFaults, type ScheduleInput } from './schedule.js';

const NODES = ['lb', 'app1', 'app2', 'redis-master', 'redis-replica', 'mysql-primary', 'mysql-replica'];
const entry = (raw: Record<string, unknown>): FaultEntry => faultEntrySchema.parse(raw);
const input = (over: Partial<ScheduleInput>): ScheduleInput => ({ file: 'flash.yaml', faults: [], nemesis: undefined, seed: 7, runMs: 60_000, nodes: NODES, ...over });

describe('planFaults', () => {
  it('places every fault in time, sorted, with its target in words', () => {
    const planned = planFaults(
      input({
        faults: [
          entry({ at: '30s', action: 'partition', isolate: 'app1', for: '5s' }),
          entry({ at: '10s', action: 'kill', nodes: ['redis-master'], for: '5s' }),
          entry({ at: '20s', action: 'partition', between: [['app1', 'app2'], ['mysql-primary']], oneWay: true, for: '2s' }),
        ],
      }),
    );
    expect(planned.map((f) => [f.atMs, f.action, f.target, f.source])).toEqual([
      [10_000, 'kill', 'redis-master', 'faults[1]'],
      [20_000, 'partition', 'app1,app2 -> mysql-primary', 'faults[2]'],
      [30_000, 'partition', 'app1 | rest', 'faults[0]'],
    ]);
  });

  it('refuses an unknown node, naming the file and the key', () => {
    expect(() => planFaults(input({ faults: [entry({ at: '1s', action: 'pause', nodes: ['app1', 'redis'] })] }))).toThrow(/flash\.yaml: faults\[0\]\.nodes\[1\]: unknown node "redis"/);
  });

  it('names a --fault flag, not the file, for faults given on the command line', () => {
    expect(() => planFaults(input({ fromFlags: true, faults: [entry({ at: '1s', action: 'kill', nodes: ['app1'] }), entry({ at: '70s', action: 'kill', nodes: ['app2'] })] }))).toThrow(/^--fault 2\.at: 70s is not inside the run/);
  });

  it('refuses a node partitioned from itself', () => {
    expect(() => planFaults(input({ faults: [entry({ at: '1s', action: 'partition', between: [['app1'], ['app1', 'lb']], for: '1s' })] }))).toThrow(/faults\[0\]: node app1 cannot be partitioned from itself/);
  });

  it('refuses a fault that does not fit the run', () => {
    expect(() => planFaults(input({ faults: [entry({ at: '55s', action: 'pause', nodes: ['app1'], for: '10s' })] }))).toThrow(/faults\[0\]\.for: 55s \+ 10s ends after the run \(60s/);
    expect(() => planFaults(input({ faults: [entry({ at: '60s', action: 'kill', nodes: ['app1'] })] }))).toThrow(/faults\[0\]\.at: 60s is not inside the run/);
    expect(() => planFaults(input({ faults: [entry({ at: '55s', action: 'pause', nodes: ['app1'], for: '4500ms' })] }))).toThrow(/faults\[0\]\.for: 55s \+ 4500ms leaves less than 1s of load after the heal/);
    expect(planFaults(input({ faults: [entry({ at: '55s', action: 'pause', nodes: ['app1'], for: '4s' })] }))).toHaveLength(1);
  });

  it('refuses overlapping faults on one node, but not on different nodes', () => {
    const overlapping = [entry({ at: '10s', action: 'pause', nodes: ['app1'], for: '5s' }), entry({ at: '12s', action: 'kill', nodes: ['app1'], for: '1s' })];
    expect(() => planFaults(input({ faults: overlapping }))).toThrow(/faults\[1\] \(kill app1 at 12s\) overlaps faults\[0\] \(pause app1 at 10s\) on node app1/);
    const untilTheEnd = [entry({ at: '10s', action: 'kill', nodes: ['app1'] }), entry({ at: '40s', action: 'pause', nodes: ['app1'], for: '1s' })];
    expect(() => planFaults(input({ faults: untilTheEnd }))).toThrow(UsageError);
    const apart = [entry({ at: '10s', action: 'pause', nodes: ['app1'], for: '5s' }), entry({ at: '12s', action: 'kill', nodes: ['app2'], for: '1s' }), entry({ at: '15s', action: 'pause', nodes: ['app1'], for: '1s' })];
    expect(planFaults(input({ faults: apart }))).toHaveLength(3);
  });

  it('draws the same nemesis from the same seed, and another from another seed', () => {
    const nemesis = { actions: ['kill', 'pause', 'partition'] as const, targets: ['app1', 'redis-master', 'mysql-primary'], every: 10_000, for: 3_000 };
    const first = planFaults(input({ nemesis: { ...nemesis, actions: [...nemesis.actions] } }));
    const again = planFaults(input({ nemesis: { ...nemesis, actions: [...nemesis.actions] } }));
    const other = planFaults(input({ seed: 8, nemesis: { ...nemesis, actions: [...nemesis.actions] } }));
    expect(first).toEqual(again);
    expect(first.map((f) => f.atMs)).toEqual([10_000, 20_000, 30_000, 40_000, 50_000]);
    expect(first.map((f) => `${f.action} ${f.target}`)).not.toEqual(other.map((f) => `${f.action} ${f.target}`));
    expect(first.every((f) => f.forMs === 3_000)).toBe(true);
  });

  it('refuses a nemesis whose faults would overlap or that has no room', () => {
    expect(() => planFaults(input({ nemesis: { actions: ['kill'], targets: ['app1'], every: 3_000, for: 3_000 } }))).toThrow(/nemesis\.every: 3s must be longer than for/);
    expect(() => planFaults(input({ runMs: 5_000, nemesis: { actions: ['kill'], targets: ['app1'], every: 4_000, for: 3_000 } }))).toThrow(/nemesis: no fault fits the run/);
    expect(() => planFaults(input({ nemesis: { actions: ['kill'], targets: ['app9'], every: 4_000, for: 3_000 } }))).toThrow(/nemesis\.targets\[0\]: unknown node "app9"/);
  });
});

describe('parseFaultFlag', () => {
  it('reads each form of the flag', () => {
    expect(parseFaultFlag('at=20s kill redis-master', 0)).toMatchObject({ at: 20_000, action: 'kill', nodes: ['redis-master'] });
    expect(parseFaultFlag('at=5s for=8s pause mysql-primary,app1', 0)).toMatchObject({ at: 5_000, for: 8_000, action: 'pause', nodes: ['mysql-primary', 'app1'] });
    expect(parseFaultFlag('at=10s for=5s partition isolate=app1', 0)).toMatchObject({ action: 'partition', isolate: 'app1' });
    expect(parseFaultFlag('at=1s for=1s partition between=app1,app2/mysql-primary one-way', 0)).toMatchObject({ between: [['app1', 'app2'], ['mysql-primary']], oneWay: true });
  });

  it('refuses what it cannot read, naming the flag', () => {
    expect(() => parseFaultFlag('kill app1', 1)).toThrow(/--fault 2 "kill app1": when is missing: at=DURATION/);
    expect(() => parseFaultFlag('at=1s explode app1', 0)).toThrow(/unknown action "explode"; the actions are kill, pause, restart, partition/);
    expect(() => parseFaultFlag('at=soon kill app1', 0)).toThrow(/--fault 1 "at=soon kill app1": at: expected a duration/);
    expect(() => parseFaultFlag('at=1s for=1s restart app1', 0)).toThrow(/for: restart kills and starts at once/);
    expect(() => parseFaultFlag('at=1s kill', 0)).toThrow(/expected one target/);
    expect(() => parseFaultFlag('at=1s when=2s kill app1', 0)).toThrow(/unknown field when/);
  });
});
