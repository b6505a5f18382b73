import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { BenchReport } from '../src/report/model.js';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableExists, tableName } from '../src/faults/nftables.js';
import { cgroup2Mount, nodeCgroup } from '../src/provision/runtime/cgroups.js';
import { processGroupMembers, readProcStat } from '../src/provision/runtime/proc.js';
import { shopctl, startShopctl } from './support/cli.js';
import { FIRST_WORDS, probe, probeFromCgroup } from './support/probe.js';
import { eventually, recordedPids, survivors } from './support/processes.js';
import { runningTopology } from './support/running-topology.js';
import { testTopology } from './support/topology.js';

const topo = testTopology('e2e-faults', 27300, (t) => {
  t.catalog.products = 200;
});
const { run, pidOf } = runningTopology(topo);
const root = join(topo.home, topo.name);
const cgroupOf = (node: string) => nodeCgroup(cgroup2Mount() ?? '', root, node).dir;

/** One node of each kind, with what it answers first. */
const KINDS = [
  { node: 'lb', hello: FIRST_WORDS.http },
  { node: 'app1', hello: FIRST_WORDS.http },
  { node: 'redis-master', hello: FIRST_WORDS.redis },
  { node: 'mysql-replica', hello: FIRST_WORDS.mysql },
] as const;

async function activeFaults(): Promise<{ action: string; node?: string; target?: string }[]> {
  const list = await run('fault', 'list', '--json');
  expect(list.code, list.stderr).toBe(0);
  return (JSON.parse(list.stdout) as { active: { action: string; node?: string; target?: string }[] }).active;
}

async function healthy(): Promise<void> {
  await eventually('every node healthy', async () => ((await run('status')).code === 0 ? true : undefined), 60_000);
}

describe('fault pause and resume', () => {
  it.each(KINDS)('$node: frozen (a connect is taken but never answered), then answers again', async ({ node, hello }) => {
    const port = topo.ports[node] as number;
    expect(await probe(port, hello)).toBe('answered');
    const pause = await run('fault', 'pause', node, '--json');
    expect(pause.code, pause.stderr).toBe(0);
    // Every process of the node is stopped (nginx's and an app's workers too).
    await eventually('every process stopped', () => (processGroupMembers(pidOf(node)).every((pid) => readProcStat(pid)?.state === 'T') ? true : undefined), 5000);
    expect(await probe(port, hello)).toBe('silent');
    expect(await activeFaults()).toEqual([expect.objectContaining({ action: 'pause', node })]);
    const status = await run('status');
    expect(status.code).toBe(3);
    expect(status.stderr).toMatch(new RegExp(`${node}\\s.*DOWN\\s+paused \\(shopctl fault resume`));
    expect(status.stderr).toContain(`faults in force (shopctl fault heal undoes them): pause ${node} since`);
    const resume = await run('fault', 'resume', node);
    expect(resume.code, resume.stderr).toBe(0);
    expect(resume.stderr).toContain(`${node}: resumed`);
    expect(await probe(port, hello, 3000)).toBe('answered');
    expect(await activeFaults()).toEqual([]);
  });

  it('resume of a node that is not paused says so and exits 0, changing nothing', async () => {
    const resume = await run('fault', 'resume', 'redis-replica');
    expect(resume.code, resume.stderr).toBe(0);
    expect(resume.stderr).toContain('redis-replica: was not paused');
  });
});

describe('fault kill and restart', () => {
  it.each(KINDS)('$node: every process gone at once, then started again through up and ready', async ({ node, hello }) => {
    const port = topo.ports[node] as number;
    const pid = pidOf(node);
    const group = processGroupMembers(pid);
    const kill = await run('fault', 'kill', node, '--json');
    expect(kill.code, kill.stderr).toBe(0);
    expect(survivors(group, join(topo.home, 'none'))).toEqual([]);
    expect(await probe(port, hello)).toBe('refused');
    expect(await activeFaults()).toEqual([expect.objectContaining({ action: 'kill', node })]);
    const status = await run('status');
    expect(status.code).toBe(3);
    const restart = await run('fault', 'restart', node);
    expect(restart.code, restart.stderr).toBe(0);
    expect(pidOf(node)).not.toBe(pid);
    expect(await probe(port, hello)).toBe('answered');
    expect(await activeFaults()).toEqual([]);
    // A replica rejoined its primary, and a restarted primary is followed again.
    await healthy();
  });
});

describe('fault partition and heal', () => {
  it('isolates a node silently, both ways and on open connections, and heals completely', async () => {
    const partition = await run('fault', 'partition', '--isolate', 'app1', '--json');
    expect(partition.code, partition.stderr).toBe(0);
    expect(tableExists(tableName(root))).toBe(true);
    // Every node still answers this CLI, but the topology is not whole.
    const status = await run('status', '--json');
    expect(status.code).toBe(3);
    expect((JSON.parse(status.stdout) as { faults: { target: string }[] }).faults.map((f) => f.target)).toEqual(['app1 | rest']);
    // A bench refuses a topology with a fault put in by hand: its report would not know of it.
    const bench = await run('bench', '-s', 'smoke', '--out', join(topo.home, 'refused'));
    expect(bench.code).toBe(3);
    expect(bench.stderr).toContain('fault in force: partition #1 app1 | rest');
    // A connect across the cut is never answered nor refused: it times out.
    expect(await probeFromCgroup(cgroupOf('app1'), topo.ports['redis-master'] as number, FIRST_WORDS.redis)).toBe('connect-timeout');
    expect(await probeFromCgroup(cgroupOf('redis-master'), topo.ports.app1 as number, FIRST_WORDS.http)).toBe('connect-timeout');
    // What is not a node of the topology, and nodes among themselves, are untouched.
    expect(await probe(topo.ports['redis-master'] as number, FIRST_WORDS.redis)).toBe('answered');
    expect(await probeFromCgroup(cgroupOf('app2'), topo.ports['redis-master'] as number, FIRST_WORDS.redis)).toBe('answered');
    // The app's connections opened before the cut are cut too: its readiness finds no dependency.
    await eventually('app1 to lose its open connections', async () => {
      const ready = await fetch(`http://127.0.0.1:${topo.ports.app1}/readyz`);
      const body = (await ready.json()) as { checks: Record<string, string> };
      return ready.status === 503 && body.checks.redis !== 'ok' && body.checks.primary !== 'ok' ? true : undefined;
    });
    const heal = await run('fault', 'heal');
    expect(heal.code, heal.stderr).toBe(0);
    expect(tableExists(tableName(root))).toBe(false);
    expect(await probeFromCgroup(cgroupOf('app1'), topo.ports['redis-master'] as number, FIRST_WORDS.redis)).toBe('answered');
    await eventually('app1 ready again', async () => ((await fetch(`http://127.0.0.1:${topo.ports.app1}/readyz`)).status === 200 ? true : undefined));
    expect(await activeFaults()).toEqual([]);
  });

  it('--one-way drops only what one side sends; heal NODE removes only the partitions touching it', async () => {
    const oneWay = await run('fault', 'partition', '--between', 'app2', '--and', 'mysql-replica', '--one-way', '--json');
    expect(oneWay.code, oneWay.stderr).toBe(0);
    expect((JSON.parse(oneWay.stdout) as { active: { cuts: unknown[] }[] }).active[0]?.cuts).toEqual([{ from: 'app2', to: 'mysql-replica' }]);
    const other = await run('fault', 'partition', '--between', 'lb', '--and', 'app1');
    expect(other.code, other.stderr).toBe(0);
    expect(await probeFromCgroup(cgroupOf('app2'), topo.ports['mysql-replica'] as number, FIRST_WORDS.mysql)).toBe('connect-timeout');
    const heal = await run('fault', 'heal', 'mysql-replica');
    expect(heal.code, heal.stderr).toBe(0);
    expect(await probeFromCgroup(cgroupOf('app2'), topo.ports['mysql-replica'] as number, FIRST_WORDS.mysql)).toBe('answered');
    expect(await probeFromCgroup(cgroupOf('lb'), topo.ports.app1 as number, FIRST_WORDS.http)).toBe('connect-timeout');
    expect(await activeFaults()).toEqual([expect.objectContaining({ action: 'partition', target: 'lb | app1' })]);
    expect((await run('fault', 'heal')).code).toBe(0);
    expect(tableExists(tableName(root))).toBe(false);
  });
});

describe('fault: bad input changes nothing', () => {
  it.each([
    [['fault', 'kill', 'app9'], 64, /unknown node "app9"/],
    [['fault', 'partition', '--between', 'app1', '--and', 'app1,lb'], 64, /app1 cannot be partitioned from itself/],
    [['fault', 'partition', '--isolate', 'app1', '--between', 'lb', '--and', 'app2'], 64, /either --isolate/],
    [['fault', 'partition'], 64, /needs --isolate NODE, or --between/],
    [['fault', 'pause'], 64, /needs at least one node/],
    [['fault', 'explode', 'app1'], 64, /unknown fault action "explode"/],
    [['fault', 'kill', 'app1', '--isolate', 'lb'], 64, /belong to fault partition/],
  ])('shopctl %j exits %i', async (args, code, message) => {
    const result = await run(...args);
    expect(result.code, result.stderr).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(await activeFaults()).toEqual([]);
    expect(tableExists(tableName(root))).toBe(false);
  });

  it.each([
    [['--fault', 'at=30s kill app9'], /--fault 1\.nodes\[0\]: unknown node "app9"/],
    [['--fault', 'at=2s for=10s pause app1'], /--fault 1\.for: 2s \+ 10s ends after the run \(6s, warm-up included\)/],
    [['--fault', 'at=1s for=3s pause app1', '--fault', 'at=2s kill app1'], /--fault 2 \(kill app1 at 2s\) overlaps --fault 1 \(pause app1 at 1s\) on node app1/],
    [['--fault', 'at=1s for=1s partition between=app1/app1'], /--fault 1: node app1 cannot be partitioned from itself/],
    [['--fault', 'soon kill app1'], /--fault 1 "soon kill app1": when is missing: at=DURATION/],
  ])('bench with a schedule that does not fit exits 64 before sending anything: %j', async (flags, message) => {
    const result = await run('bench', '-s', 'smoke', '--out', join(topo.home, 'bad-reports'), ...flags);
    expect(result.code, result.stderr).toBe(64);
    expect(result.stderr).toMatch(message);
    expect(existsSync(join(topo.home, 'bad-reports'))).toBe(false);
    expect(await activeFaults()).toEqual([]);
  });

  it('a fault on a topology that is not up exits 3', async () => {
    const other = testTopology('e2e-faults-none', 27350);
    const result = await shopctl(other.home, ['fault', 'kill', 'app1', '-t', other.file]);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('topology e2e-faults-none is not up');
  });
});

describe('a seeded nemesis', () => {
  it('injects the same faults at the same times for the same seed, each undone', async () => {
    const file = join(topo.home, 'nemesis.yaml');
    writeFileSync(
      file,
      stringify({
        name: 'nemesis',
        load: { model: 'open', rate: 100, connections: 200, duration: '8s', warmup: '0s' },
        mix: { view: 0.8, purchase: 0.2 },
        seed: 11,
        nemesis: { actions: ['pause', 'kill', 'partition'], targets: ['redis-replica', 'mysql-replica', 'app2'], every: '2s', for: '1s' },
      }),
    );
    const timelines = [];
    for (const round of [1, 2]) {
      const out = join(topo.home, `nemesis-${round}`);
      const bench = await run('bench', '-s', file, '--out', out);
      expect([0, 4], bench.stderr).toContain(bench.code);
      const report = JSON.parse(readFileSync(join(out, 'latest', 'report.json'), 'utf8')) as BenchReport;
      timelines.push(report.faults?.timeline.map((f) => `${f.action} ${f.target}`));
      expect(report.faults?.timeline.every((f) => f.error === null && f.healedAtMs !== null)).toBe(true);
      await healthy();
    }
    expect(timelines[0]).toHaveLength(3);
    expect(timelines[1]).toEqual(timelines[0]);
    expect(await activeFaults()).toEqual([]);
  });
});

/** A bench whose schedule holds a pause and a partition from 1 s for most of the run. */
function benchWithFaults(): ReturnType<typeof startShopctl> {
  return startShopctl(topo.home, [
    'bench', '-s', 'smoke', '--duration', '40s', '--warmup', '0s', '--out', join(topo.home, 'reports'), '-t', topo.file,
    '--fault', 'at=1s for=35s pause redis-replica', '--fault', 'at=1s for=35s partition isolate=app2',
  ]);
}

async function faultsInForce(): Promise<void> {
  await eventually('both faults in force', async () => ((await activeFaults()).length === 2 ? true : undefined));
}

describe('a schedule is undone however the bench ends', () => {
  it('Ctrl-C: the bench heals every fault before it exits 130', async () => {
    const bench = benchWithFaults();
    const exited = new Promise<number | null>((resolve) => bench.once('close', resolve));
    await faultsInForce();
    bench.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(await activeFaults()).toEqual([]);
    expect(tableExists(tableName(root))).toBe(false);
    expect(readProcStat(pidOf('redis-replica'))?.state).not.toBe('T');
    await healthy();
  });

  it('a CLI killed mid-fault: down leaves no rule, no cgroup, no stopped process', async () => {
    const bench = benchWithFaults();
    const exited = new Promise((resolve) => bench.once('close', resolve));
    await faultsInForce();
    const pids = recordedPids(topo.home, topo.name);
    bench.kill('SIGKILL');
    await exited;
    const down = await run('down');
    expect(down.code, down.stderr).toBe(0);
    expect(tableExists(tableName(root))).toBe(false);
    expect(survivors(pids, join(topo.home, 'none'))).toEqual([]);
    expect(existsSync(dirname(cgroupOf('app1')))).toBe(false);
    expect(existsSync(join(root, 'faults.json'))).toBe(false);
    expect(await activeFaults()).toEqual([]);
  });
});
