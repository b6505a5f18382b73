import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../src/bench/ledger.js';
import type { BenchReport } from '../src/report/model.js';
import { LAUNCHER, shopctl, startShopctl } from './support/cli.js';
import { rows } from './support/databases.js';
import { runningTopology } from './support/running-topology.js';
import { testTopology } from './support/topology.js';

const topo = testTopology('e2e-bench', 29400, (t) => {
  t.catalog.products = 500;
});
const reports = join(topo.home, 'reports');
const topology = runningTopology(topo);
const run = topology.run;

const readReport = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as BenchReport;
const readLedger = (dir: string) =>
  readFileSync(join(dir, 'ledger.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LedgerEntry);
const runDir = (report: BenchReport) => join(reports, report.runId);

describe('shopctl bench on a real topology', () => {
  it('a smoke run writes a full report, a complete ledger, and leaves the topology healthy', async () => {
    const bench = await run('bench', '-s', 'smoke', '--duration', '3s', '--warmup', '1s', '--out', reports, '--json');
    expect(bench.code, bench.stderr).toBe(0);
    const report = JSON.parse(bench.stdout) as BenchReport;
    expect(readlinkSync(join(reports, 'latest'))).toBe(report.runId);
    expect(readReport(runDir(report))).toEqual(report);
    expect(report).toMatchObject({ schema: 'shopctl.bench-report/1', interrupted: false, scenario: { name: 'smoke' }, topology: { name: 'e2e-bench' }, load: { model: 'closed', connections: 50, durationS: 3 } });
    expect(report.generator.connectionsPeak).toBe(50);
    expect(report.throughput.rps).toBeGreaterThan(50);
    expect(Object.keys(report.classes)).toEqual(expect.arrayContaining(['view_hit', 'view_miss', 'purchase_ok']));
    for (const summary of Object.values(report.classes)) expect(summary.p50).toBeLessThanOrEqual(summary.p99);
    expect(Object.keys(report.histograms)).toEqual(Object.keys(report.classes));
    expect(report.series.length).toBeGreaterThanOrEqual(4);
    expect(report.server?.cacheHitRate).toBeGreaterThan(0);
    expect(report.server?.dbMaxConnections['mysql-primary']).toBeGreaterThan(0);
    expect(report.resources.nodes.app1?.series.length).toBeGreaterThan(0);
    expect(report.resources.generator.cpuMeanPct).toBeGreaterThan(0);
    expect(report.host.versions.mariadbd).toMatch(/^10\./);
    // Every answer of the app is split by phase (its Server-Timing), nginx's part included.
    for (const cls of ['view_hit', 'view_miss', 'purchase_ok'] as const) {
      const split = report.phases?.[cls];
      expect(split?.answers, cls).toBe(report.classes[cls]?.count);
      expect(Object.keys(split?.phases ?? {}), cls).toEqual(expect.arrayContaining(['edge', 'lb-connect', 'app-queue', 'app-other']));
    }
    expect(Object.keys(report.phases?.view_miss?.phases ?? {})).toContain('replica');
    expect(Object.keys(report.phases?.purchase_ok?.phases ?? {})).toEqual(expect.arrayContaining(['lock', 'pool', 'tx']));

    const ledger = readLedger(runDir(report));
    expect(ledger.length).toBe(report.purchases.attempted);
    expect(new Set(ledger.map((e) => e.key)).size).toBe(ledger.length);
    expect(ledger.filter((e) => e.outcome === 'acknowledged').length).toBe(report.purchases.acknowledged);
    // What the client saw acknowledged is exactly what the primary holds for this run's keys.
    const orders = await rows<{ idempotency_key: string; id: number; quantity: number }>(topology.primary(), 'SELECT idempotency_key, id, quantity FROM orders WHERE idempotency_key LIKE ?', [`${report.runId}-%`]);
    const byKey = new Map(orders.map((o) => [o.idempotency_key, o]));
    for (const entry of ledger.filter((e) => e.outcome === 'acknowledged')) expect(byKey.get(entry.key)).toEqual({ idempotency_key: entry.key, id: entry.orderId, quantity: entry.quantity });
    expect(orders.length).toBe(report.purchases.acknowledged);

    const html = readFileSync(join(runDir(report), 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(readFileSync(join(runDir(report), 'report.md'), 'utf8')).toContain(report.runId);
    // The bench resets the databases' connection peaks without touching replication.
    const status = await run('status');
    expect(status.code, status.stderr).toBe(0);
  });

  it('--calibrate alone measures the ceiling on GET /healthz and sends no purchase', async () => {
    const bench = await run('bench', '--calibrate', '--connections', '20', '--duration', '2s', '--warmup', '1s', '--out', reports, '--json');
    expect(bench.code, bench.stderr).toBe(0);
    const report = JSON.parse(bench.stdout) as BenchReport;
    expect(report.scenario).toBeNull();
    expect(report.ledger).toBeNull();
    expect(report.ceiling?.rps).toBeGreaterThan(50);
    expect(report.ceiling?.connections).toBe(20);
    expect(existsSync(join(runDir(report), 'ledger.ndjson'))).toBe(false);
  });

  it('Ctrl-C ends the run cleanly: exit 130, the report says interrupted, the ledger is complete', async () => {
    const child = startShopctl(topo.home, ['bench', '-s', 'smoke', '--duration', '60s', '--warmup', '0s', '--out', reports, '-t', topo.file]);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise((r) => setTimeout(r, 4000));
    child.kill('SIGINT');
    const [code] = (await once(child, 'close')) as [number];
    expect(code, stderr).toBe(130);
    const dir = join(reports, readlinkSync(join(reports, 'latest')));
    const report = readReport(dir);
    expect(report.interrupted).toBe(true);
    expect(report.throughput.measuredS).toBeLessThan(30);
    expect(readLedger(dir).length).toBe(report.purchases.attempted);
    expect(report.purchases.attempted).toBeGreaterThan(0);
  });

  it('--find-capacity steps the open-model rate, reports the curve and the capacity, ledgers every step, and verify judges the capacity\'s step', async () => {
    const bench = await run('bench', '-s', 'smoke', '--find-capacity', '--budget', '25s', '--warmup', '1s', '--duration', '2s', '--out', reports, '--json');
    expect([0, 4], bench.stderr).toContain(bench.code);
    const report = JSON.parse(bench.stdout) as BenchReport;
    const capacity = report.capacity;
    expect(capacity?.stoppedBy).toMatch(/^(converged|budget)$/);
    // 25 s holds 5 steps of 1 s + 2 s (+ 2 s each): 500, 1000, … then halves between.
    expect(capacity?.steps.length).toBeGreaterThanOrEqual(2);
    expect(capacity?.steps.length).toBeLessThanOrEqual(5);
    expect(capacity?.steps[0]?.rate).toBe(500);
    for (const step of capacity?.steps ?? []) {
      expect(step.achievedRps).toBeGreaterThan(0);
      expect(step.passed).toBe(step.failures.length === 0);
    }
    const passed = (capacity?.steps ?? []).filter((s) => s.passed).map((s) => s.rate);
    expect(capacity?.rps).toBe(passed.length === 0 ? null : Math.max(...passed));
    expect(capacity?.littlesLaw).toMatchObject({ concurrency: 50, designMeanMs: 15, impliedRps: 3333, apps: 2 });
    // The report's load is the step it shows; its ledger holds every step's purchases.
    expect(report.load).toMatchObject({ model: 'open', rate: capacity?.rps ?? capacity?.steps[0]?.rate, durationS: 2 });
    const ledger = readLedger(runDir(report));
    expect(ledger.length).toBe(report.purchases.attempted);
    expect(new Set(ledger.map((e) => e.key)).size, 'every step\'s keys are its own').toBe(ledger.length);
    expect(report.purchases.attempted).toBeGreaterThan(report.classes.purchase_ok?.count ?? 0);
    expect(readdirSync(runDir(report)).filter((f) => f.startsWith('ledger.'))).toEqual(['ledger.ndjson']);
    expect(readFileSync(join(runDir(report), 'report.html'), 'utf8')).toContain('Latency by offered rate');
    expect(bench.stderr).toMatch(/Little's law: 50 concurrent requests at the design's ~15 ms mean imply 3333 req\/s/);
    const verify = await run('verify', '--report', runDir(report), '--json');
    const verdict = JSON.parse(verify.stdout) as { audit: { invariants: { id: string; ok: boolean }[]; ledger: { entries: number } } };
    expect(verdict.audit.invariants.every((i) => i.ok), verify.stderr).toBe(true);
    expect(verdict.audit.ledger.entries).toBe(ledger.length);
  });

  it('exits 4 without sending when the open-files limit cannot hold the connections', async () => {
    const child = spawn('sh', ['-c', `ulimit -n 256 && exec "${process.execPath}" "${LAUNCHER}" bench -s smoke --connections 500 --out "${reports}" -t "${topo.file}"`], {
      env: { ...process.env, SHOPCTL_HOME: topo.home, CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'close')) as [number];
    expect(code, stderr).toBe(4);
    expect(stderr).toMatch(/open-files limit \(256\) cannot hold 500 connections/);
  });
});

describe('shopctl bench refuses what it cannot run', () => {
  it('exits 3 when the topology is not up', async () => {
    const other = testTopology('e2e-bench-off', 29450);
    const bench = await shopctl(other.home, ['bench', '-s', 'smoke', '-t', other.file, '--out', join(other.home, 'reports')]);
    expect(bench.code, bench.stderr).toBe(3);
    expect(bench.stderr).toMatch(/not provisioned/);
    expect(existsSync(join(other.home, 'reports'))).toBe(false);
    rmSync(other.home, { recursive: true, force: true });
  });

  const badScenario = join(topo.home, 'bad-scenario.yaml');
  const hotScenario = join(topo.home, 'hot-scenario.yaml');
  beforeAll(() => {
    writeFileSync(badScenario, 'name: bad\nload: { model: closed, connections: 10, duration: soon }\nmix: { view: 0.8, purchase: 0.2 }\n');
    writeFileSync(hotScenario, 'name: hot\nload: { model: closed, connections: 10, duration: 2s }\nmix: { view: 0.8, purchase: 0.2 }\npopularity: { kind: hot, productId: 9999, share: 0.9 }\n');
  });

  it.each([
    [['--connections', 'many'], /--connections: expected a whole number/],
    [['--connections', '0'], /--connections/],
    [['--rate', '-5'], /--rate/],
    [['--duration', '5x'], /--duration: expected a duration such as 30s/],
    [['--duration', '10ms'], /--duration: expected at least 1s/],
    [['--mix', 'view=2'], /--mix/],
    [['--strategy', 'fastest'], /--strategy/],
    [['--workers', '0'], /--workers/],
    [['--find-capacity', '--rate', '100'], /--find-capacity searches the rate itself: leave --rate out/],
    [['--find-capacity', '--calibrate'], /--find-capacity and --calibrate cannot run together/],
    [['--budget', '1m'], /--budget bounds --find-capacity/],
    [['--find-capacity', '--budget', '10s'], /--budget 10s holds fewer than 2 steps of 13s/],
    [['--find-capacity', '--budget', 'soon'], /--budget: expected a duration/],
    [['-s', 'no-such-scenario'], /cannot read scenario file .*no-such-scenario\.yaml: no such file/],
    [['-s', badScenario], /bad-scenario\.yaml: load\.duration: expected a duration/],
    [['-s', hotScenario], /hot-scenario\.yaml: popularity\.productId: product 9999 is not among the 500 products/],
  ])('exits 64 for %j', async (args, message) => {
    const bench = await run('bench', ...args, '--out', reports);
    expect(bench.code, bench.stderr).toBe(64);
    expect(bench.stderr).toMatch(message);
  });
});
