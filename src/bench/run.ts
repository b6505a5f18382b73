import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { UntrustedMeasurementError } from '../errors.js';
import { endpointOf, isLoopback } from '../provision/addressing.js';
import { buildReport } from '../report/build-report.js';
import type { BenchReport } from '../report/model.js';
import { createRunDir, pointLatestAt, REPORT_FILES, writeReport } from '../report/write.js';
import type { Scenario } from '../scenario/load.js';
import type { Topology } from '../topology/model.js';
import { runLoad, type LoadPlan, type LoadResult } from './engine.js';
import { fileLimit, hostInfo } from './host-info.js';
import { joinLedgerParts } from './ledger.js';
import { loadSettings, type LoadSettings } from './load-settings.js';
import type { ResourceUsage, ServerFigures } from './measurement.js';
import type { BenchListener, BenchPhase } from './phases.js';
import { calibrationPlan, describePlan, scenarioPlan } from './plans.js';
import { ResourceSampler } from './resource-sampler.js';
import { newRunId } from './run-id.js';
import { SPARE_FILES } from './self-check.js';
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

/** The resource sampler's name for this process, beside the nodes'. */
const GENERATOR = 'generator';

/**
 * One bench: the calibration run (when asked), then the scenario, sampling every node's CPU and
 * memory throughout, then the server-side figures, the ledger and the report. The report is
 * written also when the run is interrupted; the caller decides the exit code from it.
 */
export async function runBench(options: BenchOptions): Promise<BenchOutcome> {
  const target = await benchTarget(options.topology);
  const load = loadSettings(options.scenario.load, options.workers ?? availableParallelism());
  const files = fileLimit();
  refuseTooFewFiles(files, load);
  const runId = newRunId();
  const startedAt = new Date().toISOString();
  const dir = createRunDir(options.reportsDir, runId);
  const sampler = new ResourceSampler([...sampledNodes(target), { name: GENERATOR, pid: process.pid, group: false }]);
  sampler.start();
  const phases = new Phases(options, sampler);
  let calibration: LoadResult | null = null;
  let scenarioRun: ScenarioRun | null = null;
  try {
    if (options.calibrate) calibration = await phases.run('calibrate', calibrationPlan(target, load, runId));
    if (options.runScenario && !options.signal.aborted) scenarioRun = await measureScenario(phases, target, load, options.scenario, runId, dir);
  } catch (error) {
    sampler.stop();
    throw error;
  }
  const resources = withoutGenerator(sampler.stop());
  const report = buildReport({
    runId,
    startedAt,
    finishedAt: new Date().toISOString(),
    interrupted: options.signal.aborted,
    topology: target.topology,
    lb: target.origin,
    scenario: options.scenario,
    overrides: options.overrides,
    scenarioAsked: options.runScenario,
    load,
    // Read after the load: it starts a process per server program.
    host: hostInfo(),
    fileLimit: files,
    calibration,
    scenarioRun,
    resources,
  });
  writeReport(dir, report);
  pointLatestAt(dir);
  return { report, dir };
}

/** Too few file descriptors would fail connections mid-run: refuse before anything is sent (exit 4). */
function refuseTooFewFiles(files: number, load: LoadSettings): void {
  if (files >= load.connections + SPARE_FILES) return;
  throw new UntrustedMeasurementError(`the open-files limit (${files}) cannot hold ${load.connections} connections plus ${SPARE_FILES} spare; nothing was sent`, [
    `raise it for this shell, e.g. ulimit -n ${load.connections + 1024}, or ask for fewer connections with --connections`,
  ]);
}

/** /proc tells about this machine only: a node on another Docker host is not sampled. */
function sampledNodes(target: BenchTarget): { name: string; pid: number | null; group: boolean }[] {
  return target.nodes.map((n) => ({ name: n.name, pid: isLoopback(endpointOf(target.addressing, n).host) ? n.pid : null, group: true }));
}

function withoutGenerator(usage: Record<string, ResourceUsage>): { nodes: Record<string, ResourceUsage>; generator: ResourceUsage } {
  const { [GENERATOR]: generator, ...nodes } = usage;
  // The sampler reports every target it was given, the generator among them.
  if (generator === undefined) throw new Error('the resource sampler returned no figures for the generator');
  return { nodes, generator };
}

interface ScenarioRun {
  result: LoadResult;
  server: ServerFigures;
}

async function measureScenario(phases: Phases, target: BenchTarget, load: LoadSettings, scenario: Scenario, runId: string, dir: string): Promise<ScenarioRun> {
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
