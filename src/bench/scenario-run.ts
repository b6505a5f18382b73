import type { ScheduleDriver } from '../faults/schedule-driver.js';
import type { AppLogEvent, AppLogWatch } from './app-log-events.js';
import type { TimelineEntry } from '../faults/timeline.js';
import { runLoad, type LoadHooks, type LoadPlan, type LoadResult } from './engine.js';
import { joinLedgerParts } from './ledger.js';
import type { LoadSettings } from './load-settings.js';
import { clientHitRate, type ServerFigures } from './measurement.js';
import type { BenchListener, BenchPhase } from './phases.js';
import { describePlan, scenarioPlan } from './plans.js';
import type { ResourceSampler } from './resource-sampler.js';
import { resetConnectionPeaks, scrapeApps, serverFigures, type AppCounters } from './server-figures.js';
import type { BenchTarget, LoadTarget } from './target.js';
import type { AgentPlace } from './agent.js';
import type { Scenario } from '../scenario/load.js';

/** One measured run of the scenario's requests and the servers' figures over it. */
export interface ScenarioRun {
  result: LoadResult;
  /** Null when the run read no server (a load agent other than agent 0, or one sending to `--target`). */
  server: ServerFigures | null;
  /** The faults the schedule injected and undid during the run; null when it had none. */
  faults: TimelineEntry[] | null;
  /** What the apps logged meanwhile (dependencies lost and regained, refusals); null without faults. */
  appEvents: { events: AppLogEvent[]; leftOut: number } | null;
}

/** A run's fault schedule and the apps' logs watched beside it. */
export interface FaultRun {
  driver: ScheduleDriver;
  logs: AppLogWatch;
}

/** What a scenario run reads and drives beside its load; all absent for a plain run of one load agent. */
export interface ScenarioExtras {
  /** The servers whose figures the run reads (connection peaks, the apps' counters); null: none. */
  watched: BenchTarget | null;
  faults?: FaultRun | null;
  /** `bench --agent I/N`: this process runs agent I's share from the agreed start. */
  agent?: AgentPlace;
}

/**
 * Runs the scenario's requests at `load` once: the databases' connection peaks reset, the apps'
 * counters read when the measured window starts and after it, the ledger parts joined into
 * `ledgerFile`. `keyPrefix` starts every Idempotency-Key (plans.ts).
 */
export async function measureScenario(
  phases: PhaseRunner,
  target: LoadTarget,
  load: LoadSettings,
  scenario: Scenario,
  keyPrefix: string,
  ledgerFile: string,
  extras: ScenarioExtras,
): Promise<ScenarioRun> {
  const { watched, agent } = extras;
  const faults = extras.faults ?? null;
  const problems: string[] = [];
  if (watched !== null) await resetConnectionPeaks(watched, problems);
  let before: Promise<AppCounters> | undefined;
  const plan = { ...scenarioPlan(target, load, scenario, keyPrefix, ledgerFile, agent?.index), ...(agent === undefined ? {} : { agent }) };
  let result: LoadResult;
  let timeline: TimelineEntry[] | null = null;
  try {
    const onMeasuredStart = () => {
      if (watched !== null) before = scrapeApps(watched, problems);
    };
    result = await phases.run('scenario', plan, { onMeasuredStart, onStart: (startAt) => faults?.driver.start(startAt) });
  } finally {
    // Every fault is undone when the load ends, also when it failed or was interrupted.
    if (faults !== null) timeline = await faults.driver.finish();
  }
  const appEvents = faults === null ? null : faults.logs.read(result.startAt);
  await joinLedgerParts(result.ledgerParts, ledgerFile);
  if (watched === null) return { result, server: null, faults: timeline, appEvents };
  const after = await scrapeApps(watched, problems);
  const server = await serverFigures(watched, (await before) ?? after, after, clientHitRate(result.classes), problems);
  return { result, server, faults: timeline, appEvents };
}

/** Runs one load phase and relays its progress, with the nodes' latest CPU, to the listener. */
export class PhaseRunner {
  constructor(
    private readonly listener: BenchListener,
    private readonly signal: AbortSignal,
    private readonly sampler: ResourceSampler,
  ) {}

  async run(phase: BenchPhase, plan: LoadPlan, hooks: Omit<LoadHooks, 'onProgress'> = {}): Promise<LoadResult> {
    this.listener({ kind: 'phase', phase, description: describePlan(phase, plan) });
    const result = await runLoad(plan, { ...hooks, onProgress: (progress) => this.listener({ kind: 'progress', phase, progress, resources: this.sampler.latest() }) }, this.signal);
    const rps = result.measuredS > 0 ? result.measuredCompleted / result.measuredS : 0;
    this.listener({ kind: 'phase-done', phase, summary: `${Math.round(rps)} requests/s over ${result.measuredS.toFixed(1)} s${result.interrupted ? ' (interrupted)' : ''}` });
    return result;
  }
}
