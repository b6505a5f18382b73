import { endpointOf, isLoopback } from '../provision/addressing.js';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { UntrustedMeasurementError } from '../errors.js';
import { REPORT_SCHEMA, type BenchReport, type Ceiling, type LoadSettings, type ResourceUsage, type ScenarioRecord } from '../report/model.js';
import { createRunDir, pointLatestAt, REPORT_FILES, writeReport } from '../report/write.js';
import type { Scenario } from '../scenario/load.js';
import type { Topology } from '../topology/model.js';
import { runLoad, type LoadPlan, type LoadResult } from './engine.js';
import { fileLimit, hostInfo } from './host-info.js';
import { joinLedgerParts } from './ledger.js';
import type { BenchListener, BenchPhase } from './phases.js';
import { ResourceSampler } from './resource-sampler.js';
import { newRunId } from './run-id.js';
import { checkGenerator, SPARE_FILES } from './self-check.js';
import { resetConnectionPeaks, scrapeApps, serverFigures, type AppCounters } from './server-figures.js';
import { benchTarget, type BenchTarget } from './target.js';

export interface BenchOptions {
  topology: Topology;
  /** The scenario as it will run (overrides applied). */
  scenario: Scenario;
  overrides: string[];
  /** Run the scenario (false: `--calibrate` alone, which only borrows its load settings). */
  runScenario: boolean;
  calibrate: boolean;
  workers: number | undefined;
  reportsDir: string;
  listener: BenchListener;
  signal: AbortSignal;
}

export interface BenchOutcome {
  report: BenchReport;
  dir: string;
}

const GENERATOR = 'generator';

/**
 * One bench: the calibration run (when asked), then the scenario, sampling every node's CPU and
 * memory throughout, then the server-side figures, the ledger and the report. The report is
 * written also when the run is interrupted; the caller decides the exit code from it.
 */
export async function runBench(options: BenchOptions): Promise<BenchOutcome> {
  const target = await benchTarget(options.topology);
  const load = loadSettings(options.scenario, options.workers ?? availableParallelism());
  const files = fileLimit();
  if (files < load.connections + SPARE_FILES) {
    throw new UntrustedMeasurementError(`the open-files limit (${files}) cannot hold ${load.connections} connections plus ${SPARE_FILES} spare; nothing was sent`, [
      `raise it for this shell, e.g. ulimit -n ${load.connections + 1024}, or ask for fewer connections with --connections`,
    ]);
  }
  const runId = newRunId();
  const startedAt = new Date().toISOString();
  const dir = createRunDir(options.reportsDir, runId);
  // /proc tells about this machine only: a node on another Docker host is not sampled.
  const here = (n: (typeof target.nodes)[number]) => isLoopback(endpointOf(target.addressing, n).host);
  const nodes = target.nodes.map((n) => ({ name: n.name, pid: here(n) ? n.pid : null, group: true }));
  const sampler = new ResourceSampler([...nodes, { name: GENERATOR, pid: process.pid, group: false }]);
  sampler.start();
  const phases = new Phases(options, sampler);
  let ceiling: Ceiling | null = null;
  let calibration: LoadResult | undefined;
  let measured: Measured | undefined;
  try {
    if (options.calibrate) {
      calibration = await phases.run('calibrate', calibrationPlan(target, load, runId));
      ceiling = ceilingOf(calibration, load);
    }
    if (options.runScenario && !options.signal.aborted) measured = await measureScenario(phases, target, load, options.scenario, runId, dir);
  } catch (error) {
    sampler.stop();
    throw error;
  }
  const resources = sampler.stop();
  const { [GENERATOR]: generatorUsage, ...nodeUsage } = resources;
  const generatorCpu = generatorUsage?.cpuMeanPct ?? 0;
  const checked = measured?.result ?? calibration;
  const checkedLoad: LoadSettings = measured === undefined ? { ...load, model: 'closed', rate: null } : load;
  const generator = checkGenerator(checkedLoad, checked ?? emptyResult(), files, generatorCpu);
  if (measured !== undefined && calibration !== undefined) {
    // The calibration is a closed run whatever the scenario's model: check it as one.
    const calibrationLoad: LoadSettings = { ...load, model: 'closed', rate: null };
    for (const reason of checkGenerator(calibrationLoad, calibration, files, generatorCpu).reasons) generator.reasons.push(`calibration: ${reason}`);
    generator.trustworthy = generator.reasons.length === 0;
  }
  const report: BenchReport = {
    schema: REPORT_SCHEMA,
    runId,
    startedAt,
    finishedAt: new Date().toISOString(),
    interrupted: options.signal.aborted,
    scenario: options.runScenario ? scenarioRecord(options.scenario, options.overrides) : null,
    topology: topologyRecord(target, options.scenario),
    host: hostInfo(),
    seed: options.scenario.seed,
    load: measured === undefined ? null : load,
    throughput: throughputOf(measured?.result),
    classes: measured?.result.classes ?? {},
    histograms: measured?.result.histograms ?? {},
    errors: (measured?.result ?? calibration ?? emptyResult()).errors,
    series: measured?.result.series ?? calibration?.series ?? [],
    purchases: measured?.result.purchases ?? emptyResult().purchases,
    server: measured?.server ?? null,
    resources: { intervalS: 1, nodes: nodeUsage, generator: generatorUsage ?? emptyUsage() },
    generator,
    ceiling,
    ledger: measured === undefined ? null : { file: REPORT_FILES.ledger, ...measured.result.purchases },
  };
  writeReport(dir, report);
  pointLatestAt(dir);
  return { report, dir };
}

interface Measured {
  result: LoadResult;
  server: BenchReport['server'];
}

async function measureScenario(phases: Phases, target: BenchTarget, load: LoadSettings, scenario: Scenario, runId: string, dir: string): Promise<Measured> {
  const problems: string[] = [];
  await resetConnectionPeaks(target, problems);
  let before: Promise<AppCounters> | undefined;
  const plan = scenarioPlan(target, load, scenario, runId, join(dir, REPORT_FILES.ledger));
  const result = await phases.run('scenario', plan, () => (before = scrapeApps(target, problems)));
  await joinLedgerParts(result.ledgerParts, join(dir, REPORT_FILES.ledger));
  const after = await scrapeApps(target, problems);
  const hits = result.classes.view_hit?.count ?? 0;
  const views = hits + (result.classes.view_miss?.count ?? 0);
  const server = await serverFigures(target, (await before) ?? after, after, views === 0 ? null : hits / views, problems);
  return { result, server };
}

/** Runs one load phase and relays its progress, with the nodes' latest CPU, to the listener. */
class Phases {
  constructor(
    private readonly options: BenchOptions,
    private readonly sampler: ResourceSampler,
  ) {}

  async run(phase: BenchPhase, plan: LoadPlan, onMeasuredStart?: () => void): Promise<LoadResult> {
    this.options.listener({ kind: 'phase', phase, description: describePlan(phase, plan) });
    const result = await runLoad(
      plan,
      { onProgress: (progress) => this.options.listener({ kind: 'progress', phase, progress, resources: this.sampler.latest() }), onMeasuredStart },
      this.options.signal,
    );
    const rps = result.measuredS > 0 ? result.measuredCompleted / result.measuredS : 0;
    this.options.listener({ kind: 'phase-done', phase, summary: `${Math.round(rps)} requests/s over ${result.measuredS.toFixed(1)} s${result.interrupted ? ' (interrupted)' : ''}` });
    return result;
  }
}

function loadSettings(scenario: Scenario, workers: number): LoadSettings {
  const l = scenario.load;
  return {
    model: l.model,
    connections: l.connections,
    rate: l.model === 'open' ? l.rate : null,
    durationS: l.duration / 1000,
    warmupS: l.warmup / 1000,
    timeoutS: l.timeout / 1000,
    workers,
  };
}

function basePlan(target: BenchTarget, load: LoadSettings): Omit<LoadPlan, 'workload' | 'ledgerPrefix' | 'model' | 'rate' | 'strategy'> {
  return { origin: target.origin, connections: load.connections, durationMs: load.durationS * 1000, warmupMs: load.warmupS * 1000, timeoutMs: load.timeoutS * 1000, workers: load.workers };
}

/** `GET /healthz` through the same LB, closed, with the same connections and duration. */
function calibrationPlan(target: BenchTarget, load: LoadSettings, runId: string): LoadPlan {
  const workload = { kind: 'calibrate' as const, mix: { view: 1, purchase: 0 }, popularity: { kind: 'uniform' as const }, products: 1, quantity: { min: 1, max: 1 }, seed: 1, keyPrefix: runId };
  return { ...basePlan(target, load), model: 'closed', rate: null, strategy: undefined, workload, ledgerPrefix: null };
}

function scenarioPlan(target: BenchTarget, load: LoadSettings, scenario: Scenario, runId: string, ledgerFile: string): LoadPlan {
  return {
    ...basePlan(target, load),
    model: load.model,
    rate: load.rate,
    strategy: scenario.strategy,
    workload: { kind: 'scenario', mix: scenario.mix, popularity: scenario.popularity, products: scenario.products ?? target.topology.catalog.products, quantity: scenario.quantity, seed: scenario.seed, keyPrefix: runId },
    ledgerPrefix: ledgerFile,
  };
}

function describePlan(phase: BenchPhase, plan: LoadPlan): string {
  const what = phase === 'calibrate' ? 'GET /healthz (ceiling)' : `${Math.round(plan.workload.mix.view * 100)} % views / ${Math.round(plan.workload.mix.purchase * 100)} % purchases`;
  const how = plan.model === 'open' ? `${plan.rate}/s open model, up to ${plan.connections} in flight` : `${plan.connections} connections`;
  return `${phase}: ${what}, ${how}, ${plan.warmupMs / 1000}s warm-up + ${plan.durationMs / 1000}s on ${plan.workers} worker thread(s)`;
}

function ceilingOf(result: LoadResult, load: LoadSettings): Ceiling {
  const latency = result.classes.healthz ?? { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  const errors = Object.fromEntries(Object.entries(result.errors).filter(([, n]) => n > 0));
  return { rps: Math.round((result.classes.healthz?.count ?? 0) / Math.max(result.measuredS, 1e-9)), connections: load.connections, durationS: result.measuredS, latency, errors };
}

function throughputOf(result: LoadResult | undefined): BenchReport['throughput'] {
  if (result === undefined || result.measuredS === 0) return { rps: 0, requests: result?.measuredCompleted ?? 0, measuredS: 0 };
  return { rps: Math.round((result.measuredCompleted / result.measuredS) * 10) / 10, requests: result.measuredCompleted, measuredS: result.measuredS };
}

function scenarioRecord(scenario: Scenario, overrides: string[]): ScenarioRecord {
  return {
    name: scenario.name,
    file: scenario.file,
    description: scenario.description,
    mix: scenario.mix,
    popularity: { ...scenario.popularity },
    quantity: scenario.quantity,
    strategy: scenario.strategy ?? null,
    thresholds: scenario.thresholds,
    overrides,
  };
}

function topologyRecord(target: BenchTarget, scenario: Scenario): BenchReport['topology'] {
  const t = target.topology;
  return {
    name: t.name,
    file: t.file,
    strategy: scenario.strategy ?? t.app.strategy,
    lb: target.origin,
    nodes: t.nodes.map((n) => ({ name: n.name, kind: n.kind, role: n.role, port: n.port })),
  };
}

function emptyResult(): LoadResult {
  const errors = { connect: 0, timeout: 0, reset: 0, http_5xx: 0, http_4xx: 0, aborted: 0 };
  return { interrupted: false, measuredS: 0, classes: {}, histograms: {}, errors, series: [], purchases: { attempted: 0, acknowledged: 0, failed: 0, unknown: 0, unitsSold: 0 }, measuredSent: 0, measuredCompleted: 0, dropped: 0, peakConnections: 0, connectErrors: 0, sendLagP99: null, eventLoopUtilization: [], eventLoopDelayP99: [], ledgerParts: [] };
}

function emptyUsage(): ResourceUsage {
  return { pid: null, cpuMeanPct: 0, cpuMaxPct: 0, rssMaxBytes: 0, series: [] };
}
