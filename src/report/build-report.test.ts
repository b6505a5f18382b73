import { describe, expect, it } from 'vitest';
import { loadResult } from '../../test/support/load-result.js';
import { capacity } from '../../test/support/report-fixture.js';
import { AvailabilityMerge, AvailabilityRecorder } from '../bench/availability-ticks.js';
import type { LoadSettings } from '../bench/load-settings.js';
import type { TimelineEntry } from '../faults/timeline.js';
import { errorsByOrigin, type ResourceUsage, type ServerFigures } from '../bench/measurement.js';
import { loadScenario } from '../scenario/load.js';
import { loadTopology } from '../topology/load.js';
import { buildReport, type BenchPieces } from './build-report.js';
import { REPORT_SCHEMA } from './model.js';

const closed: LoadSettings = { model: 'closed', connections: 100, durationMs: 5000, warmupMs: 1000, timeoutMs: 10_000, workers: 2 };
const usage = (pid: number | null, cpuMeanPct: number): ResourceUsage => ({ pid, cpuMeanPct, cpuMaxPct: cpuMeanPct, rssMaxBytes: 1024, series: [] });
const server: ServerFigures = { cacheHitRate: 0.9, clientCacheHitRate: 0.9, lockWaits: { count: 0, meanMs: null }, lockTimeouts: 0, poolWaitTimeouts: 0, dbMaxConnections: { db: 12 }, problems: [] };
const purchases = { attempted: 10, acknowledged: 8, failed: 1, unknown: 1, unitsSold: 9 };
const scenarioResult = loadResult({
  classes: { view_hit: { count: 9000, mean: 1, p50: 1, p90: 2, p99: 3, p999: 4, max: 5 } },
  histograms: { view_hit: 'HISTOGRAM' },
  errors: { connect: 0, timeout: 2, reset: 0, http_5xx: 3, http_4xx: 0, aborted: 0 },
  errorsByOrigin: errorsByOrigin({ 'client.timeout': 2, 'app.overloaded': 2, 'nginx.no_live_upstream': 1 }),
  purchases,
  measuredCompleted: 9999,
});
const calibrationResult = loadResult({
  classes: { healthz: { count: 20_000, mean: 1, p50: 1, p90: 1, p99: 2, p999: 3, max: 4 } },
  errors: { connect: 0, timeout: 0, reset: 1, http_5xx: 0, http_4xx: 0, aborted: 0 },
  series: [{ t: 0, warmup: true, rps: 1, classes: {}, errors: 0, connections: 100, dropped: 0 }],
});

function pieces(over: Partial<BenchPieces> = {}): BenchPieces {
  return {
    runId: 'run-1',
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:00:07.000Z',
    interrupted: false,
    topology: loadTopology(undefined),
    lb: 'http://127.0.0.1:8080',
    scenario: loadScenario('smoke'),
    overrides: ['connections=100'],
    scenarioAsked: true,
    load: closed,
    host: { hostname: 'h', cores: 4, memoryBytes: 1, node: 'v20', os: 'Linux', versions: {} },
    fileLimit: 20_000,
    calibration: null,
    scenarioRun: { result: scenarioResult, server },
    resources: { nodes: { lb: usage(11, 5) }, generator: usage(22, 40) },
    faults: null,
    ...over,
  };
}

describe('report builder', () => {
  it('writes every field of report.json, in the documented order', () => {
    const report = buildReport(pieces());
    expect(Object.keys(report)).toEqual([
      'schema', 'runId', 'startedAt', 'finishedAt', 'interrupted', 'scenario', 'topology', 'host', 'seed', 'load', 'throughput', 'classes',
      'histograms', 'phases', 'errors', 'errorsByOrigin', 'series', 'availability', 'purchases', 'server', 'resources', 'generator', 'ceiling', 'ledger',
    ]);
    expect(report).toMatchObject({ schema: REPORT_SCHEMA, runId: 'run-1', seed: 1, interrupted: false, server, purchases, ceiling: null });
    expect(report.scenario).toMatchObject({ name: 'smoke', strategy: null, overrides: ['connections=100'] });
    expect(report.topology).toMatchObject({ lb: 'http://127.0.0.1:8080' });
    expect(report.throughput).toEqual({ rps: 999.9, requests: 9999, measuredS: 10 });
    expect(report.errors.timeout).toBe(2);
    // The split by origin adds up to the kinds' total, every origin and reason present.
    expect(report.errorsByOrigin).toEqual({
      nginx: { upstream_connect_failed: 0, upstream_timeout: 0, no_live_upstream: 1, other: 0 },
      app: { busy: 0, overloaded: 2, unavailable: 0, other: 0 },
      client: { connect: 0, timeout: 2, reset: 0, aborted: 0 },
      http_4xx: 0,
    });
    expect(report.ledger).toEqual({ file: 'ledger.ndjson', ...purchases });
    expect(report.resources).toEqual({ intervalS: 1, nodes: { lb: usage(11, 5) }, generator: usage(22, 40) });
    expect(report.generator).toMatchObject({ trustworthy: true, cpuMeanPct: 40, fileLimit: 20_000 });
  });

  it('a capacity search: the record as given, the purchases and ledger of every step, the rest the step shown', () => {
    const all = { attempted: 900, acknowledged: 800, failed: 90, unknown: 10, unitsSold: 1200 };
    const report = buildReport(pieces({ capacity: { record: capacity, purchases: all } }));
    expect(report.capacity).toBe(capacity);
    expect(report.purchases).toEqual(all);
    expect(report.ledger).toEqual({ file: 'ledger.ndjson', ...all });
    expect(report.throughput).toEqual({ rps: 999.9, requests: 9999, measuredS: 10 });
    expect('capacity' in buildReport(pieces())).toBe(false);
  });

  it('writes the load flattened, in seconds, with rate null for the closed model', () => {
    expect(buildReport(pieces()).load).toEqual({ model: 'closed', connections: 100, rate: null, durationS: 5, warmupS: 1, timeoutS: 10, workers: 2 });
    const open: LoadSettings = { ...closed, model: 'open', rate: 1000 };
    const load = buildReport(pieces({ load: open })).load;
    expect(load).toEqual({ model: 'open', connections: 100, rate: 1000, durationS: 5, warmupS: 1, timeoutS: 10, workers: 2 });
    expect(Object.keys(load ?? {})).toEqual(['model', 'connections', 'rate', 'durationS', 'warmupS', 'timeoutS', 'workers']);
  });

  it("takes the ceiling from the calibration, and its reasons into the scenario's self-check", () => {
    const report = buildReport(pieces({ calibration: loadResult({ ...calibrationResult, peakConnections: 60 }) }));
    expect(report.ceiling).toEqual({ rps: 2000, connections: 100, durationS: 10, latency: calibrationResult.classes.healthz, errors: { reset: 1 } });
    expect(report.generator).toMatchObject({ trustworthy: false, reasons: ['calibration: only 60 of the 100 connections asked were open at once'] });
  });

  it('a calibration alone: no scenario, load or ledger; its errors and seconds stand for the run', () => {
    const report = buildReport(pieces({ scenarioAsked: false, calibration: calibrationResult, scenarioRun: null }));
    expect(report).toMatchObject({ scenario: null, load: null, ledger: null, server: null, classes: {}, histograms: {} });
    expect(report.errors).toEqual(calibrationResult.errors);
    expect(report.series).toEqual(calibrationResult.series);
    expect(report.throughput).toEqual({ rps: 0, requests: 0, measuredS: 0 });
    expect(report.ceiling?.rps).toBe(2000);
    expect(report.generator.trustworthy).toBe(true);
  });

  it('interrupted before anything ran: zero counts, and a self-check that says so', () => {
    const report = buildReport(pieces({ interrupted: true, scenarioRun: null }));
    expect(report).toMatchObject({ interrupted: true, load: null, ceiling: null, ledger: null, series: [] });
    expect(report.errors).toEqual({ connect: 0, timeout: 0, reset: 0, http_5xx: 0, http_4xx: 0, aborted: 0 });
    expect(report.purchases).toEqual({ attempted: 0, acknowledged: 0, failed: 0, unknown: 0, unitsSold: 0 });
    expect(report.generator.reasons).toEqual(['only 0 of the 100 connections asked were open at once']);
  });

  it('faults: the timeline, each window and its recovery on the load clock, and the availability of the measured window', () => {
    // A view every 10 ms for 4 s, failing from 1500 ms until 2200 ms; the heal began at 2000 ms.
    const rec = new AvailabilityRecorder(0);
    const down = { cls: 'error', error: 'http_5xx', reason: 'nginx.no_live_upstream', outcome: null } as const;
    for (let at = 0; at < 4000; at += 10) rec.record('view', at, at + 3, at >= 1500 && at < 2200 ? down : { cls: 'view_hit', error: null, reason: null, outcome: null });
    const merge = new AvailabilityMerge();
    merge.add(rec.take());
    const timeline: TimelineEntry[] = [{ id: 1, action: 'kill', target: 'app1', nodes: ['app1'], startedAtMs: 1500, healAtMs: 2000, healedAtMs: 2100, error: null }];
    const series = [0, 1, 2, 3].map((t) => ({ t, warmup: t < 1, rps: 100, classes: { view_hit: { count: 100, p50: 1, p99: t === 2 ? 900 : 2 } }, errors: 0, connections: 1, dropped: 0 }));
    const result = loadResult({ startAt: Date.parse('2025-01-01T00:00:00.000Z') + 1500, availability: merge.result(4000), series });
    const report = buildReport(pieces({ scenarioRun: { result, server }, faults: timeline }));
    expect(report.faults).toMatchObject({ timeline, loadEndMs: 4000, loadStartS: 1.5 });
    expect(report.faults?.windows).toHaveLength(1);
    // Ticks 15..20 (1500–2100 ms): 60 views, 60 failed.
    expect(report.faults?.windows[0]?.routes.view).toMatchObject({ attempts: 60, successes: 0, availability: 0, failures: { 'nginx.no_live_upstream': 60 } });
    // smoke.yaml: view_hit p(99)<250 and view_miss p(99)<500; second 2 is over, second 3 under.
    expect(report.faults?.windows[0]?.routes.view.recovery).toEqual({ firstSuccessMs: 200, p99UnderMs: 1000, p99Threshold: 'view_hit: p(99)<250, view_miss: p(99)<500' });
    // The measured window starts at 1000 ms (warm-up 1 s): 300 views, 70 failed.
    expect(report.availability?.view).toMatchObject({ attempts: 300, successes: 230 });
    expect(report.availability?.purchase.availability).toBeNull();
    expect('faults' in buildReport(pieces({ faults: [] }))).toBe(false);
    expect('faults' in buildReport(pieces({ faults: timeline, scenarioRun: null }))).toBe(false);
  });
});
