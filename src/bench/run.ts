import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { UntrustedMeasurementError } from '../errors.js';
import { FaultInjector } from '../faults/injector.js';
import type { PlannedFault } from '../faults/schedule.js';
import { ScheduleDriver } from '../faults/schedule-driver.js';
import { endpointOf, isLoopback } from '../provision/addressing.js';
import { buildReport } from '../report/build-report.js';
import type { BenchReport } from '../report/model.js';
import { createRunDir, pointLatestAt, REPORT_FILES, writeReport } from '../report/write.js';
import type { Scenario } from '../scenario/load.js';
import type { Topology } from '../topology/model.js';
import { parseThresholds } from '../verify/thresholds/parse.js';
import { findCapacity, type CapacityOptions, type CapacityOutcome } from './capacity/find-capacity.js';
import { judgeStep } from './capacity/judge-step.js';
import type { LoadResult } from './engine.js';
import { fileLimit, hostInfo } from './host-info.js';
import { loadSettings, type LoadSettings } from './load-settings.js';
import type { HostInfo, ResourceUsage } from './measurement.js';
import type { BenchListener } from './phases.js';
import { calibrationPlan } from './plans.js';
import { ResourceSampler } from './resource-sampler.js';
import { newRunId } from './run-id.js';
import { AppLogWatch } from './app-log-events.js';
import { measureScenario, PhaseRunner, type FaultRun, type ScenarioRun } from './scenario-run.js';
import { SPARE_FILES } from './self-check.js';
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
  /** `--find-capacity`: search the highest rate at which every threshold holds, instead of one run. */
  capacity?: CapacityOptions;
  /** The scenario's fault schedule (faults/schedule.ts), driven during its load; empty for none. */
  faults?: PlannedFault[];
}

export interface BenchOutcome {
  report: BenchReport;
  dir: string;
}

/** The resource sampler's name for this process, beside the nodes'. */
export const GENERATOR = 'generator';

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
  const phases = new PhaseRunner(options.listener, options.signal, sampler);
  const ledgerFile = join(dir, REPORT_FILES.ledger);
  // What every report of this run shares, a capacity step's included.
  // `faults`: the fault driver's timeline (issue #13) goes in the final report; a capacity step has none.
  const common = { runId, startedAt, topology: target.topology, lb: target.origin, scenario: options.scenario, overrides: options.overrides, scenarioAsked: options.runScenario, fileLimit: files, faults: null };
  let calibration: LoadResult | null = null;
  let scenarioRun: ScenarioRun | null = null;
  let capacity: CapacityOutcome | null = null;
  try {
    if (options.calibrate) calibration = await phases.run('calibrate', calibrationPlan(target, load, runId));
    if (options.capacity !== undefined) {
      const thresholds = parseThresholds(options.scenario.thresholds, options.scenario.file);
      let host: HostInfo | undefined;
      const judge = (stepLoad: LoadSettings, run: ScenarioRun) =>
        judgeStep({ ...common, finishedAt: new Date().toISOString(), interrupted: false, load: stepLoad, host: (host ??= hostInfo()), calibration: null, scenarioRun: run, resources: STEP_RESOURCES }, thresholds);
      capacity = await findCapacity({ phases, target, load, scenario: options.scenario, runId, dir, ledgerFile, signal: options.signal, judge }, options.capacity);
      scenarioRun = capacity.shown?.run ?? null;
    } else if (options.runScenario && !options.signal.aborted) {
      const faults = await faultDriver(target, options.faults ?? [], options.listener);
      scenarioRun = await measureScenario(phases, target, load, options.scenario, runId, ledgerFile, { watched: target, faults });
    }
  } catch (error) {
    sampler.stop();
    throw error;
  }
  const resources = withoutGenerator(sampler.stop());
  const report = buildReport({
    ...common,
    finishedAt: new Date().toISOString(),
    interrupted: options.signal.aborted,
    // A capacity search's report shows the step at the capacity found, with that step's load.
    load: capacity?.shown?.load ?? load,
    // Read after the load: it starts a process per server program.
    host: hostInfo(),
    calibration,
    scenarioRun,
    resources,
    capacity: capacity === null ? undefined : { record: capacity.record, purchases: capacity.purchases },
    faults: scenarioRun?.faults ?? null,
    appEvents: scenarioRun?.appEvents ?? null,
  });
  writeReport(dir, report);
  pointLatestAt(dir);
  return { report, dir };
}

/**
 * The schedule's driver, its partitions' needs checked before anything is sent, and a watch on
 * the apps' logs from now on; null without faults.
 */
async function faultDriver(target: BenchTarget, plan: PlannedFault[], listener: BenchListener): Promise<FaultRun | null> {
  if (plan.length === 0) return null;
  // Ctrl-C stops the load, never the undoing of its faults: the injector's starts ignore it.
  const injector = new FaultInjector(target.running, { signal: new AbortController().signal });
  if (plan.some((f) => f.action === 'partition')) await injector.requirePartitions();
  const logs = new AppLogWatch(target.nodes.filter((n) => n.kind === 'app').map((n) => ({ node: n.name, file: n.log })));
  return { driver: new ScheduleDriver(injector, plan, ({ entry, phase }) => listener({ kind: 'fault', entry: { ...entry }, phase })), logs };
}

/** Too few file descriptors would fail connections mid-run: refuse before anything is sent (exit 4). */
export function refuseTooFewFiles(files: number, load: LoadSettings): void {
  if (files >= load.connections + SPARE_FILES) return;
  throw new UntrustedMeasurementError(`the open-files limit (${files}) cannot hold ${load.connections} connections plus ${SPARE_FILES} spare; nothing was sent`, [
    `raise it for this shell, e.g. ulimit -n ${load.connections + 1024}, or ask for fewer connections with --connections`,
  ]);
}

/** /proc tells about this machine only: a node on another Docker host is not sampled. */
export function sampledNodes(target: BenchTarget): { name: string; pid: number | null; group: boolean }[] {
  return target.nodes.map((n) => ({ name: n.name, pid: isLoopback(endpointOf(target.addressing, n).host) ? n.pid : null, group: true }));
}

export function withoutGenerator(usage: Record<string, ResourceUsage>): { nodes: Record<string, ResourceUsage>; generator: ResourceUsage } {
  const { [GENERATOR]: generator, ...nodes } = usage;
  // The sampler reports every target it was given, the generator among them.
  if (generator === undefined) throw new Error('the resource sampler returned no figures for the generator');
  return { nodes, generator };
}


/**
 * A capacity step's resources: none of its own (the sampler covers the whole run). The step's
 * generator check keeps its thread-saturation and rate checks; only the process CPU share is left out.
 */
const STEP_RESOURCES = { nodes: {}, generator: { pid: process.pid, cpuMeanPct: 0, cpuMaxPct: 0, rssMaxBytes: 0, series: [] } };
