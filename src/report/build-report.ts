import type { LoadResult } from '../bench/engine.js';
import type { LoadSettings } from '../bench/load-settings.js';
import type { CapacityRecord } from '../bench/capacity/find-capacity.js';
import { errorCounts, errorsByOrigin, noPurchases, type Ceiling, type HostInfo, type PurchaseTally, type ResourceUsage, type ServerFigures } from '../bench/measurement.js';
import { checkBench } from '../bench/self-check.js';
import type { TimelineEntry } from '../faults/timeline.js';
import type { AppLogEvent } from '../bench/app-log-events.js';
import type { Scenario } from '../scenario/load.js';
import type { Topology } from '../topology/model.js';
import { faultWindows, measuredAvailability } from './fault-windows.js';
import { REPORT_SCHEMA, type BenchReport, type FaultsRecord, type LoadRecord, type ScenarioRecord, type TopologyRecord } from './model.js';
import { p99Bounds } from './p99-bounds.js';
import { REPORT_FILES } from './write.js';

/** Everything one bench measured and knew, in the bench's own units (milliseconds). */
export interface BenchPieces {
  runId: string;
  startedAt: string;
  finishedAt: string;
  interrupted: boolean;
  /** The topology, or its record as a load agent wrote it (report merge: the file may be on another machine). */
  topology: Topology | TopologyRecord;
  /** The load balancer's origin the load went through. */
  lb: string;
  /** The scenario as it ran (overrides applied), and the overrides in words. */
  scenario: Scenario;
  overrides: string[];
  /** The scenario was asked for (false: `--calibrate` alone, which only borrows its load settings). */
  scenarioAsked: boolean;
  load: LoadSettings;
  host: HostInfo;
  /** The open-files limit the generator ran under. */
  fileLimit: number;
  /** The `--calibrate` run, or null when none was asked or it was interrupted before. */
  calibration: LoadResult | null;
  /** The scenario's run and the servers' figures over it; null when it did not run. */
  scenarioRun: { result: LoadResult; server: ServerFigures | null } | null;
  resources: { nodes: Record<string, ResourceUsage>; generator: ResourceUsage };
  /** `--find-capacity`: the search, and every step's purchases (`scenarioRun` is the step shown). */
  capacity?: { record: CapacityRecord; purchases: PurchaseTally };
  /** The fault driver's timeline (issue #13), times since the scenario load's start; null or empty when no fault was injected. */
  faults: TimelineEntry[] | null;
  /** What the apps logged during the fault run (bench/app-log-events.ts); absent or null without faults. */
  appEvents?: { events: AppLogEvent[]; leftOut: number } | null;
}

/**
 * report.json from what a bench measured. Pure: no clock, no file, no server, so every field's
 * derivation is unit-tested. Seconds, the flattened load model and the generator's verdict are
 * made here, at the document's edge; the bench itself keeps milliseconds and the union.
 */
export function buildReport(pieces: BenchPieces): BenchReport {
  const { calibration, scenarioRun } = pieces;
  const measured = scenarioRun?.result ?? null;
  // Without a scenario run, the calibration's errors and seconds are the run's.
  const lastRun = measured ?? calibration;
  return {
    schema: REPORT_SCHEMA,
    runId: pieces.runId,
    startedAt: pieces.startedAt,
    finishedAt: pieces.finishedAt,
    interrupted: pieces.interrupted,
    scenario: pieces.scenarioAsked ? scenarioRecord(pieces.scenario, pieces.overrides) : null,
    topology: topologyRecord(pieces.topology, pieces.lb, pieces.scenario),
    host: pieces.host,
    seed: pieces.scenario.seed,
    load: measured === null ? null : loadRecord(pieces.load),
    throughput: throughputOf(measured),
    classes: measured?.classes ?? {},
    histograms: measured?.histograms ?? {},
    phases: measured?.phases ?? {},
    errors: lastRun?.errors ?? errorCounts(),
    errorsByOrigin: lastRun?.errorsByOrigin ?? errorsByOrigin(),
    series: lastRun?.series ?? [],
    ...(measured === null ? {} : { availability: measuredAvailability(measured.availability, pieces.load.warmupMs) }),
    purchases: pieces.capacity?.purchases ?? measured?.purchases ?? noPurchases(),
    server: scenarioRun?.server ?? null,
    resources: { intervalS: 1, nodes: pieces.resources.nodes, generator: pieces.resources.generator },
    generator: checkBench(pieces.load, { calibration, scenario: measured }, pieces.fileLimit, pieces.resources.generator.cpuMeanPct),
    ceiling: calibration === null ? null : ceilingOf(calibration, pieces.load),
    // A capacity search always writes its ledger, also when no step got as far as being shown.
    ledger: pieces.capacity !== undefined ? { file: REPORT_FILES.ledger, ...pieces.capacity.purchases } : measured === null ? null : { file: REPORT_FILES.ledger, ...measured.purchases },
    ...(pieces.capacity === undefined ? {} : { capacity: pieces.capacity.record }),
    ...faultsOf(pieces, measured),
  };
}

/** The faults section, only for a scenario load during which faults were injected. */
function faultsOf(pieces: BenchPieces, measured: LoadResult | null): { faults?: FaultsRecord } {
  if (pieces.faults === null || pieces.faults.length === 0 || measured === null) return {};
  const bounds = p99Bounds(pieces.scenario.thresholds, pieces.scenario.file);
  const { availability, series } = measured;
  // The resources' clock starts with the bench (`startedAt`); the load's performance clock is epoch-based too.
  const loadStartS = Math.round((measured.startAt - Date.parse(pieces.startedAt)) / 100) / 10;
  const logged = pieces.appEvents ?? { events: [], leftOut: 0 };
  return {
    faults: { timeline: pieces.faults, loadEndMs: availability.endMs, loadStartS, windows: faultWindows(pieces.faults, availability, series, bounds), appEvents: logged.events, appEventsLeftOut: logged.leftOut },
  };
}

/** The load as report.json has always written it: `rate` null for the closed model, seconds. */
export function loadRecord(load: LoadSettings): LoadRecord {
  return {
    model: load.model,
    connections: load.connections,
    rate: load.model === 'open' ? load.rate : null,
    durationS: load.durationMs / 1000,
    warmupS: load.warmupMs / 1000,
    timeoutS: load.timeoutMs / 1000,
    workers: load.workers,
  };
}

function ceilingOf(result: LoadResult, load: LoadSettings): Ceiling {
  const latency = result.classes.healthz ?? { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  const errors = Object.fromEntries(Object.entries(result.errors).filter(([, n]) => n > 0));
  return { rps: Math.round((result.classes.healthz?.count ?? 0) / Math.max(result.measuredS, 1e-9)), connections: load.connections, durationS: result.measuredS, latency, errors };
}

export function throughputOf(result: LoadResult | null): BenchReport['throughput'] {
  if (result === null || result.measuredS === 0) return { rps: 0, requests: result?.measuredCompleted ?? 0, measuredS: 0 };
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

function topologyRecord(topology: Topology | TopologyRecord, lb: string, scenario: Scenario): TopologyRecord {
  if ('lb' in topology) return topology;
  return {
    name: topology.name,
    file: topology.file,
    strategy: scenario.strategy ?? topology.app.strategy,
    lb,
    nodes: topology.nodes.map((n) => ({ name: n.name, kind: n.kind, role: n.role, port: n.port })),
  };
}
