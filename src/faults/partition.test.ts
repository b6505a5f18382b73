import { describe, expect, it } from 'vitest';
import { renderTable } from './nftables.js';
import { cutsOf, describePartition } from './partition.js';

const NODES = ['lb', 'app1', 'app2', 'redis-master'];

describe('cutsOf', () => {
  it('isolates a node from every other, both ways', () => {
    expect(cutsOf({ isolate: 'app1' }, NODES)).toEqual([
      { from: 'app1', to: 'lb' },
      { from: 'lb', to: 'app1' },
      { from: 'app1', to: 'app2' },
      { from: 'app2', to: 'app1' },
      { from: 'app1', to: 'redis-master' },
      { from: 'redis-master', to: 'app1' },
    ]);
  });

  it('cuts two groups from each other, one way when asked', () => {
    const spec = { between: ['app1', 'app2'], and: ['redis-master'], oneWay: true };
    expect(cutsOf(spec, NODES)).toEqual([{ from: 'app1', to: 'redis-master' }, { from: 'app2', to: 'redis-master' }]);
    expect(cutsOf({ ...spec, oneWay: false }, NODES)).toHaveLength(4);
    expect(describePartition(spec)).toBe('app1,app2 -> redis-master');
  });

  it('refuses unknown nodes and a node on both sides', () => {
    expect(() => cutsOf({ isolate: 'app9' }, NODES)).toThrow(/unknown node "app9"/);
    expect(() => cutsOf({ between: ['app1'], and: ['app1', 'lb'], oneWay: false }, NODES)).toThrow(/app1 cannot be partitioned from itself/);
    expect(() => cutsOf({ between: [], and: ['lb'], oneWay: false }, NODES)).toThrow(/a node on each side/);
  });
});

describe('renderTable', () => {
  it('marks each sender by its cgroup and drops what a cut receiver gets from it, replacing the table atomically', () => {
    const script = renderTable('shopctl_t', [{ from: 'app1', to: 'redis-master' }], (node) => ({ dir: `/x/${node}`, nftPath: `unified/shopctl/t/${node}`, level: 3 }));
    expect(script.split('\n').slice(0, 3)).toEqual(['table inet shopctl_t', 'delete table inet shopctl_t', 'table inet shopctl_t {']);
    expect(script).toContain('socket cgroupv2 level 3 "unified/shopctl/t/app1" meta mark set 0x5c0001');
    expect(script).toContain('socket cgroupv2 level 3 "unified/shopctl/t/redis-master" meta mark 0x5c0001 counter drop comment "app1 -> redis-master"');
    expect(script).not.toMatch(/reject/);
  });
});
