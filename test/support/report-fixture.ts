import { build, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import type { LatencySummary, RequestClass, ResourceUsage, SecondSample } from '../../src/bench/measurement.js';
import type { CapacityRecord } from '../../src/bench/capacity/find-capacity.js';
import type { LatencyBreakdown } from '../../src/bench/latency-phases.js';
import type { TimelineEntry } from '../../src/faults/timeline.js';
import type { FaultWindow, RouteWindow } from '../../src/report/fault-windows.js';
import { REPORT_SCHEMA, type BenchReport, type FaultsRecord } from '../../src/report/model.js';
import { seededRandom } from '../../src/seeded-random.js';

/*
 * Reports for the unit tests of the renderers and of verify's thresholds. Seeded, so a failing
 * test shows the same figures on every run.
 */
const random = seededRandom;

/** A class measured for real: microseconds recorded into an HDR histogram, the summary in ms read back from it. */
export function measuredClass(medianUs: number, count: number, seed: number): { summary: LatencySummary; histogram: string } {
  const h = build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const next = random(seed);
  for (let i = 0; i < count; i++) {
    // Roughly log-normal, with one request in a hundred stuck behind something: a latency tail.
    const spread = Math.exp((next() + next() + next() - 1.5) * 1.2);
    const stall = next() < 0.01 ? 10 : 1;
    h.recordValue(Math.max(1, Math.round(medianUs * spread * stall)));
  }
  const at = (p: number) => h.getValueAtPercentile(p) / 1000;
  const summary = { count: h.totalCount, mean: h.mean / 1000, p50: at(50), p90: at(90), p99: at(99), p999: at(99.9), max: h.maxValue / 1000 };
  return { summary, histogram: encodeIntoCompressedBase64(h) };
}

function usage(pid: number, cpu: number, rssMiB: number, seconds: number): ResourceUsage {
  const series = Array.from({ length: seconds }, (_, t) => ({ t, cpuPct: cpu * (0.8 + 0.4 * ((t * 7) % 10) / 10), rssBytes: rssMiB * 2 ** 20 }));
  const cpus = series.map((s) => s.cpuPct);
  return { pid, cpuMeanPct: cpus.reduce((a, b) => a + b, 0) / cpus.length, cpuMaxPct: Math.max(...cpus), rssMaxBytes: rssMiB * 2 ** 20, series };
}

function second(t: number, warmupS: number, classes: SecondSample['classes']): SecondSample {
  return { t, warmup: t < warmupS, rps: 900 + ((t * 37) % 200), classes, errors: t === 30 ? 4 : 0, connections: 64, dropped: 0 };
}

/** A report as a 60 s closed-model run on a two-app topology would write it. */
export function sampleReport(overrides: Partial<BenchReport> = {}): BenchReport {
  const measured: [RequestClass, number, number][] = [
    ['view_hit', 900, 40_000],
    ['view_miss', 4_000, 8_000],
    ['purchase_ok', 12_000, 3_000],
    ['purchase_sold_out', 6_000, 1_000],
  ];
  const classes: BenchReport['classes'] = {};
  const histograms: BenchReport['histograms'] = {};
  measured.forEach(([c, median, count], i) => {
    const m = measuredClass(median, count, i + 1);
    classes[c] = m.summary;
    histograms[c] = m.histogram;
  });
  const warmupS = 10;
  const seconds = 70;
  const series = Array.from({ length: seconds }, (_, t) =>
    second(t, warmupS, Object.fromEntries(measured.map(([c, median]) => [c, { count: 100, p50: (median / 1000) * (1 + (t % 5) / 10), p99: (median / 1000) * 4 }]))),
  );
  const base: BenchReport = {
    schema: REPORT_SCHEMA,
    runId: '20240501-120000-ab12',
    startedAt: '2024-05-01T12:00:00.000Z',
    finishedAt: '2024-05-01T12:01:10.000Z',
    interrupted: false,
    scenario: {
      name: 'flash-sale',
      file: 'scenarios/flash-sale.yaml',
      description: 'A popular product goes on sale.',
      mix: { view: 0.9, purchase: 0.1 },
      popularity: { kind: 'zipf', s: 1.1 },
      quantity: { min: 1, max: 2 },
      strategy: null,
      thresholds: { view_hit: ['p(99)<50'] },
      overrides: ['--connections 64'],
    },
    topology: {
      name: 'two-apps',
      file: 'topology/two-apps.yaml',
      strategy: 'cache-aside',
      lb: 'nginx',
      nodes: [
        { name: 'lb', kind: 'nginx', role: 'lb', port: 8080 },
        { name: 'app1', kind: 'app', role: 'app', port: 8081 },
        { name: 'app2', kind: 'app', role: 'app', port: 8082 },
        { name: 'cache', kind: 'redis', role: 'cache', port: 6379 },
        { name: 'db', kind: 'mysql', role: 'primary', port: 3306 },
      ],
    },
    host: { hostname: 'bench-1', cores: 2, memoryBytes: 8 * 2 ** 30, node: 'v20.11.1', os: 'linux 6.1', versions: { nginx: '1.24.0', mysql: '8.0.36', redis: null } },
    seed: 42,
    load: { model: 'closed', connections: 64, rate: null, durationS: 60, warmupS, timeoutS: 5, workers: 2 },
    throughput: { rps: 1000, requests: 60_000, measuredS: 60 },
    classes,
    histograms,
    errors: { connect: 0, timeout: 3, reset: 1, http_5xx: 0, http_4xx: 0, aborted: 0 },
    series,
    purchases: { attempted: 4_000, acknowledged: 3_000, failed: 1_000, unknown: 0, unitsSold: 4_500 },
    server: {
      cacheHitRate: 0.8321,
      clientCacheHitRate: 0.8295,
      lockWaits: { count: 120, meanMs: 3.25 },
      lockTimeouts: 0,
      poolWaitTimeouts: 0,
      dbMaxConnections: { db: 21 },
      problems: [],
    },
    resources: {
      intervalS: 1,
      nodes: { lb: usage(100, 20, 12, seconds), app1: usage(101, 60, 140, seconds), app2: usage(102, 58, 138, seconds), cache: usage(103, 8, 30, seconds), db: usage(104, 35, 512, seconds) },
      generator: usage(99, 45, 200, seconds),
    },
    generator: {
      trustworthy: true,
      reasons: [],
      sharedHost: true,
      fileLimit: 65_536,
      connectionsAsked: 64,
      connectionsPeak: 64,
      connectErrors: 0,
      rateAsked: null,
      rateAchieved: 1000,
      dropped: 0,
      sendLagP99: null,
      eventLoopUtilization: [0.41, 0.39],
      eventLoopDelayP99: [1.2, 1.4],
      cpuMeanPct: 45,
    },
    ceiling: null,
    ledger: { file: 'reports/20240501-120000-ab12/ledger.jsonl', attempted: 4_000, acknowledged: 3_000, failed: 1_000, unknown: 0, unitsSold: 4_500 },
  };
  return { ...base, ...overrides };
}

/** A `--calibrate` run without a scenario: only the healthz ceiling was measured. */
export function calibrationReport(): BenchReport {
  const healthz = measuredClass(300, 20_000, 9);
  return sampleReport({
    scenario: null,
    load: null,
    throughput: { rps: 0, requests: 0, measuredS: 0 },
    classes: { healthz: healthz.summary },
    histograms: { healthz: healthz.histogram },
    errors: { connect: 0, timeout: 0, reset: 0, http_5xx: 0, http_4xx: 0, aborted: 0 },
    series: [],
    purchases: { attempted: 0, acknowledged: 0, failed: 0, unknown: 0, unitsSold: 0 },
    server: null,
    ledger: null,
    ceiling: { rps: 5_321.5, connections: 64, durationS: 10, latency: healthz.summary, errors: {} },
  });
}

/** A capacity search that held at 500 and 750 req/s and failed at 1000 (report `capacity`). */
export const capacity: CapacityRecord = {
  rps: 750,
  failedAt: 1000,
  tolerance: 0.05,
  stoppedBy: 'budget',
  budgetS: 25,
  stepWarmupS: 1,
  stepDurationS: 2,
  steps: [
    { rate: 500, achievedRps: 499.5, passed: true, failures: [], classes: { view_hit: { p50: 2, p99: 9.5 }, purchase_ok: { p50: 12, p99: 60 } } },
    { rate: 1000, achievedRps: 941, passed: false, failures: ['purchase p(99) = 2500.00 ms (fails < 2000)'], classes: { view_hit: { p50: 30, p99: 400 }, purchase_ok: { p50: 900, p99: 2500 } } },
    { rate: 750, achievedRps: 748.2, passed: true, failures: [], classes: { view_hit: { p50: 4, p99: 20 }, purchase_ok: { p50: 20, p99: 120 } } },
  ],
  littlesLaw: { concurrency: 6000, designMeanMs: 15, impliedRps: 400000, measuredPerAppRps: 375, apps: 2 },
};

/** Two classes split by phase (report `phases`). */
export const phases: LatencyBreakdown = {
  view_hit: { answers: 90, phases: { edge: { mean: 1.5, p50: 1, p99: 4 }, near: { mean: 0.01, p50: 0.01, p99: 0.02 }, 'app-other': { mean: 0.2, p50: 0.2, p99: 0.5 } }, dominant: 'edge' },
  purchase_ok: { answers: 10, phases: { edge: { mean: 2, p50: 2, p99: 5 }, 'app-queue': { mean: 1, p50: 1, p99: 3 }, tx: { mean: 30, p50: 25.5, p99: 80.25 } }, dominant: 'tx' },
};

/** Three faults of a 70 s run: an app killed and healed, a partition healed, a pause never resumed. */
export const faultTimeline: TimelineEntry[] = [
  { id: 1, action: 'kill', target: 'app1', nodes: ['app1'], startedAtMs: 20_000, healAtMs: 25_000, healedAtMs: 25_400, error: null },
  { id: 2, action: 'partition', target: 'app1,app2 -> db', nodes: ['app1', 'app2', 'db'], startedAtMs: 40_000, healAtMs: 44_000, healedAtMs: 44_000, error: null },
  { id: 3, action: 'pause', target: 'cache', nodes: ['cache'], startedAtMs: 60_000, healAtMs: null, healedAtMs: null, error: 'resume failed: no such process' },
];

type Recovery = RouteWindow['recovery'];
const counted = (attempts: number, successes: number, failures: RouteWindow['failures'], unknown: number) => ({ attempts, successes, failures, unknown, availability: attempts === 0 ? null : successes / attempts });
const windowOf = (id: number, fromMs: number, toMs: number, recoveryFromMs: number | null, view: RouteWindow, purchase: RouteWindow): FaultWindow => ({ id, fromMs, toMs, recoveryFromMs, routes: { view, purchase } });
const recovered = (firstSuccessMs: number | null, p99UnderMs: number | null, p99Threshold: string | null): Recovery => ({ firstSuccessMs, p99UnderMs, p99Threshold });

/** The report of a run with `faultTimeline`'s faults (or the first `count` of them). */
export function faultReport(count = 3, over: Partial<BenchReport> = {}): BenchReport {
  const windows = [
    windowOf(1, 20_000, 25_400, 25_000, { ...counted(5400, 2700, { 'nginx.no_live_upstream': 2700 }, 0), recovery: recovered(30, 1000, 'view_hit: p(99)<50') }, { ...counted(600, 300, { 'client.reset': 280, 'nginx.upstream_connect_failed': 20 }, 280), recovery: recovered(1500, null, null) }),
    windowOf(2, 40_000, 44_000, 44_000, { ...counted(4000, 3900, { 'app.unavailable': 100 }, 0), recovery: recovered(0, 0, 'view_hit: p(99)<50') }, { ...counted(450, 0, { 'app.unavailable': 450 }, 450), recovery: recovered(800, null, null) }),
    windowOf(3, 60_000, 70_000, null, { ...counted(9000, 8000, { 'client.timeout': 1000 }, 0), recovery: recovered(null, null, 'view_hit: p(99)<50') }, { ...counted(1000, 900, { 'client.timeout': 100 }, 100), recovery: recovered(null, null, null) }),
  ].slice(0, count);
  const faults: FaultsRecord = { timeline: faultTimeline.slice(0, count), loadEndMs: 70_000, loadStartS: 2.5, windows };
  const availability = { view: counted(54_000, 51_000, { 'nginx.no_live_upstream': 2700, 'client.timeout': 300 }, 0), purchase: counted(6000, 5700, { 'app.unavailable': 300 }, 250) };
  return sampleReport({ availability, faults, ...over });
}
