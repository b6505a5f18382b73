import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { joinLedgerParts } from '../ledger.js';
import type { LoadSettings } from '../load-settings.js';
import { REQUEST_CLASSES, noPurchases, type PurchaseTally, type RequestClass } from '../measurement.js';
import { measureScenario, type PhaseRunner, type ScenarioRun } from '../scenario-run.js';
import type { BenchTarget } from '../target.js';
import type { Scenario } from '../../scenario/load.js';
import { searchCapacity, type SearchResult, type StopReason } from './search.js';

/** What `--find-capacity` was asked: the budget and each step's warm-up and measured window. */
export interface CapacityOptions {
  budgetMs: number;
  stepWarmupMs: number;
  stepDurationMs: number;
  startRate: number;
  /** Converged when the failing and passing rates are this close (0.05: within 5 %). */
  tolerance: number;
}

/** One step's verdict: every threshold held and the generator can be trusted, or why not. */
export interface StepJudgement {
  passed: boolean;
  failures: string[];
}

export interface CapacityStep {
  /** Offered (open-model) requests per second. */
  rate: number;
  /** Answered (or failed) per second in the measured window. */
  achievedRps: number;
  passed: boolean;
  failures: string[];
  /** p50 and p99 per class at this rate: the latency–throughput curve. */
  classes: Partial<Record<RequestClass, { p50: number; p99: number }>>;
}

/** report.json `capacity` (docs/report.md). */
export interface CapacityRecord {
  /** The highest offered rate at which every threshold held, or null when none did. */
  rps: number | null;
  /** The lowest rate at which one failed, or null when every step passed (the capacity is higher). */
  failedAt: number | null;
  tolerance: number;
  stoppedBy: StopReason;
  budgetS: number;
  stepWarmupS: number;
  stepDurationS: number;
  steps: CapacityStep[];
  littlesLaw: LittlesLaw;
}

/**
 * What the scenario's own numbers imply by Little's law (rate = concurrency ÷ mean latency),
 * next to what was measured. The seed design's 6000 concurrent requests at about 15 ms on
 * average (80 % views at a few ms, 20 % purchases under 100 ms; issue #12) imply 400 000 req/s.
 */
export interface LittlesLaw {
  concurrency: number;
  designMeanMs: number;
  impliedRps: number;
  /** The capacity per app server (apps of the topology), for comparison; null without a capacity. */
  measuredPerAppRps: number | null;
  apps: number;
}

export const DESIGN_MEAN_LATENCY_MS = 15;
/** Per step beyond its warm-up and window: starting the workers, reading the apps' counters. */
const STEP_OVERHEAD_MS = 2000;

export interface CapacityOutcome {
  record: CapacityRecord;
  /** The step the report shows (the capacity's, else the lowest rate tried), and its load. */
  shown: { run: ScenarioRun; load: LoadSettings } | null;
  /** Every step's purchases: they all sold stock, and the ledger holds them all. */
  purchases: PurchaseTally;
}

export interface CapacityContext {
  phases: PhaseRunner;
  target: BenchTarget;
  /** The scenario's load: its connections bound the requests in flight at every step. */
  load: LoadSettings;
  scenario: Scenario;
  runId: string;
  dir: string;
  ledgerFile: string;
  signal: AbortSignal;
  judge(load: LoadSettings, run: ScenarioRun): StepJudgement;
}

/** The most steps `options` allow (at least one: the command refuses a budget below a step). */
export function stepsInBudget(options: CapacityOptions): number {
  return Math.floor(options.budgetMs / (options.stepWarmupMs + options.stepDurationMs + STEP_OVERHEAD_MS));
}

/**
 * Runs the capacity search with real steps of the scenario's requests in the open model, each
 * judged on its own measured window; every step's purchases go to the one ledger.
 */
export async function findCapacity(ctx: CapacityContext, options: CapacityOptions): Promise<CapacityOutcome> {
  const runs = new Map<number, { run: ScenarioRun; load: LoadSettings }>();
  const steps: CapacityStep[] = [];
  const stepFiles: string[] = [];
  const purchases = noPurchases();
  const probe = async (rate: number): Promise<boolean | null> => {
    if (ctx.signal.aborted) return null;
    const load: LoadSettings = { ...ctx.load, model: 'open', rate, warmupMs: options.stepWarmupMs, durationMs: options.stepDurationMs };
    const step = stepFiles.length + 1;
    const file = join(ctx.dir, `ledger.step-${step}.ndjson`);
    stepFiles.push(file);
    // Each step's keys are its own: the same sequence again would be replayed, not sold.
    const run = await measureScenario(ctx.phases, ctx.target, load, ctx.scenario, `${ctx.runId}-s${step}`, file, { watched: ctx.target });
    addPurchases(purchases, run.result.purchases);
    if (run.result.interrupted) return null;
    const judgement = ctx.judge(load, run);
    steps.push(stepOf(rate, run, judgement));
    runs.set(rate, { run, load });
    return judgement.passed;
  };
  let search: SearchResult;
  try {
    search = await searchCapacity({ startRate: options.startRate, tolerance: options.tolerance, maxSteps: Math.max(1, stepsInBudget(options)) }, probe);
  } finally {
    // Every step that sold anything is in the one ledger, also when a later step failed to run.
    await joinLedgerParts(stepFiles.filter((f) => existsSync(f)), ctx.ledgerFile);
  }
  const lowest = steps.length === 0 ? null : Math.min(...steps.map((s) => s.rate));
  const shownRate = search.passed ?? lowest;
  const apps = ctx.target.topology.nodes.filter((n) => n.kind === 'app').length;
  const concurrency = ctx.load.connections;
  const record: CapacityRecord = {
    rps: search.passed,
    failedAt: search.failed,
    tolerance: options.tolerance,
    stoppedBy: search.stoppedBy,
    budgetS: options.budgetMs / 1000,
    stepWarmupS: options.stepWarmupMs / 1000,
    stepDurationS: options.stepDurationMs / 1000,
    steps,
    littlesLaw: {
      concurrency,
      designMeanMs: DESIGN_MEAN_LATENCY_MS,
      impliedRps: Math.round(concurrency / (DESIGN_MEAN_LATENCY_MS / 1000)),
      measuredPerAppRps: search.passed === null || apps === 0 ? null : Math.round(search.passed / apps),
      apps,
    },
  };
  return { record, shown: shownRate === null ? null : (runs.get(shownRate) ?? null), purchases };
}

function stepOf(rate: number, run: ScenarioRun, judgement: StepJudgement): CapacityStep {
  const { result } = run;
  const classes: CapacityStep['classes'] = {};
  for (const cls of REQUEST_CLASSES) {
    const summary = result.classes[cls];
    if (summary !== undefined) classes[cls] = { p50: summary.p50, p99: summary.p99 };
  }
  const achievedRps = result.measuredS > 0 ? Math.round((result.measuredCompleted / result.measuredS) * 10) / 10 : 0;
  return { rate, achievedRps, passed: judgement.passed, failures: judgement.failures, classes };
}

function addPurchases(total: PurchaseTally, step: PurchaseTally): void {
  for (const key of Object.keys(total) as (keyof PurchaseTally)[]) total[key] += step[key];
}
