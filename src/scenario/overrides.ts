import { UsageError } from '../errors.js';
import type { Scenario } from './load.js';
import { formatDuration } from './duration.js';
import { mixSchema, type FaultEntry, type Mix } from './schema.js';

/** What the command line sets over the scenario file (already validated as flags). */
export interface ScenarioOverrides {
  connections?: number;
  rate?: number;
  durationMs?: number;
  warmupMs?: number;
  timeoutMs?: number;
  mix?: Mix;
  strategy?: Scenario['strategy'];
  seed?: number;
  /** `--fault` flags: they replace the file's `faults:` schedule. */
  faults?: { entries: FaultEntry[]; texts: string[] };
}

/**
 * Flags win over the file. `--rate` turns a closed scenario into an open one (the scenario's
 * connections become the in-flight cap), since a rate means nothing to the closed model.
 * Returns the scenario as it will run and the overrides in words, for the report.
 */
export function applyOverrides(scenario: Scenario, o: ScenarioOverrides): { scenario: Scenario; applied: string[] } {
  const applied: string[] = [];
  let load = scenario.load;
  if (o.rate !== undefined) {
    load = { ...load, model: 'open', rate: o.rate };
    applied.push(`--rate ${o.rate}`);
  }
  if (o.connections !== undefined) {
    load = { ...load, connections: o.connections };
    applied.push(`--connections ${o.connections}`);
  }
  if (o.durationMs !== undefined) {
    load = { ...load, duration: o.durationMs };
    applied.push(`--duration ${formatDuration(o.durationMs)}`);
  }
  if (o.warmupMs !== undefined) {
    load = { ...load, warmup: o.warmupMs };
    applied.push(`--warmup ${formatDuration(o.warmupMs)}`);
  }
  if (o.timeoutMs !== undefined) {
    load = { ...load, timeout: o.timeoutMs };
    applied.push(`--timeout ${formatDuration(o.timeoutMs)}`);
  }
  const next: Scenario = { ...scenario, load };
  if (o.mix !== undefined) {
    next.mix = o.mix;
    applied.push(`--mix view=${o.mix.view},purchase=${o.mix.purchase}`);
  }
  if (o.strategy !== undefined) {
    next.strategy = o.strategy;
    applied.push(`--strategy ${o.strategy}`);
  }
  if (o.seed !== undefined) {
    next.seed = o.seed;
    applied.push(`--seed ${o.seed}`);
  }
  if (o.faults !== undefined) {
    next.faults = o.faults.entries;
    applied.push(...o.faults.texts.map((text) => `--fault '${text}'`));
  }
  return { scenario: next, applied };
}

/** `view=0.8,purchase=0.2` (either may be left out: the other is the rest) → a mix. */
export function parseMix(text: string): Mix {
  const weights: Record<string, number> = {};
  for (const part of text.split(',')) {
    const [name, value, ...rest] = part.split('=');
    const weight = Number(value);
    if (name === undefined || value === undefined || rest.length > 0 || value.trim() === '' || !Number.isFinite(weight)) {
      throw new UsageError(`invalid option --mix: expected view=W,purchase=W with weights from 0 to 1, got "${text}"`);
    }
    if (name.trim() !== 'view' && name.trim() !== 'purchase') {
      throw new UsageError(`invalid option --mix: unknown request kind "${name.trim()}"; the kinds are view and purchase`);
    }
    weights[name.trim()] = weight;
  }
  const view = weights.view ?? 1 - (weights.purchase ?? 0);
  const purchase = weights.purchase ?? 1 - view;
  const result = mixSchema.safeParse({ view, purchase });
  if (!result.success) throw new UsageError(`invalid option --mix "${text}": ${result.error.issues[0]?.message ?? 'invalid'}`);
  return result.data;
}
