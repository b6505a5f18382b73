import type { Scenario } from '../scenario/load.js';
import type { LoadPlan } from './engine.js';
import { asClosed, type LoadSettings } from './load-settings.js';
import type { BenchPhase } from './phases.js';
import type { BenchTarget, LoadTarget } from './target.js';

/** `GET /healthz` through the same LB, closed, with the same connections and duration. */
export function calibrationPlan(target: BenchTarget, load: LoadSettings, runId: string): LoadPlan {
  const workload = { kind: 'calibrate' as const, mix: { view: 1, purchase: 0 }, popularity: { kind: 'uniform' as const }, products: 1, quantity: { min: 1, max: 1 }, seed: 1, keyPrefix: runId };
  return { ...asClosed(load), origin: target.origin, strategy: undefined, workload, ledgerPrefix: null };
}

/**
 * The scenario's requests, with every purchase written to the ledger parts `<ledgerFile>.<worker>`.
 * Idempotency-Keys start with `keyPrefix` (the run id, or the run id and a capacity step's number:
 * a key used twice would be replayed, not sold, and verify finds the run's orders by `<run-id>-`).
 */
export function scenarioPlan(target: LoadTarget, load: LoadSettings, scenario: Scenario, keyPrefix: string, ledgerFile: string, agent?: number): LoadPlan {
  return {
    ...load,
    origin: target.origin,
    strategy: scenario.strategy,
    workload: { kind: 'scenario', mix: scenario.mix, popularity: scenario.popularity, products: scenario.products ?? target.topology.catalog.products, quantity: scenario.quantity, seed: scenario.seed, keyPrefix, ...(agent === undefined ? {} : { agent }) },
    ledgerPrefix: ledgerFile,
  };
}

/** One line for the live view: what the phase asks, how, and for how long. */
export function describePlan(phase: BenchPhase, plan: LoadPlan): string {
  const what = phase === 'calibrate' ? 'GET /healthz (ceiling)' : `${Math.round(plan.workload.mix.view * 100)} % views / ${Math.round(plan.workload.mix.purchase * 100)} % purchases`;
  const how = plan.model === 'open' ? `${plan.rate}/s open model, up to ${plan.connections} in flight` : `${plan.connections} connections`;
  return `${phase}: ${what}, ${how}, ${plan.warmupMs / 1000}s warm-up + ${plan.durationMs / 1000}s on ${plan.workers} worker thread(s)`;
}
