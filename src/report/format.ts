/* Formatting shared by the Markdown and HTML writers. */
import { REQUEST_CLASSES, type LatencySummary, type RequestClass } from '../bench/measurement.js';
import type { CapacityRecord } from '../bench/capacity/find-capacity.js';
import type { ClassPhases } from '../bench/latency-phases.js';
import { LATENCY_PHASES, PHASE_TIER } from '../bench/server-timing.js';
import type { BenchReport } from './model.js';

/** Classes in the order of DESIGN.md section 7, then the calibration class. */
export const CLASS_ORDER: readonly RequestClass[] = [...REQUEST_CLASSES, 'healthz'];

/** The classes the report measured, in CLASS_ORDER. */
export function orderedClasses(report: BenchReport): [RequestClass, LatencySummary][] {
  return CLASS_ORDER.flatMap((c) => {
    const summary = report.classes[c];
    return summary ? [[c, summary] as [RequestClass, LatencySummary]] : [];
  });
}

/** A 0..1 rate as a percentage; null means the figure could not be fetched. */
export function percent(rate: number | null): string {
  return rate === null ? 'n/a' : `${(rate * 100).toFixed(1)} %`;
}

export function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

/** The scenario's throughput over the ceiling's; null when there is no scenario run or no ceiling. */
export function ceilingRatio(report: BenchReport): number | null {
  if (report.load === null || report.ceiling === null || report.ceiling.rps <= 0) return null;
  return report.throughput.rps / report.ceiling.rps;
}

/**
 * Where each class's time goes, as table rows: class, answers split, dominant phase and its
 * tier, then "p50 / p99" of every phase any class has (ms). Empty when no answer carried
 * Server-Timing (or the report predates it).
 */
export function phaseTable(report: BenchReport): { head: string[]; rows: string[][] } {
  const breakdown = report.phases ?? {};
  const classes = CLASS_ORDER.filter((c) => breakdown[c] !== undefined);
  const phases = LATENCY_PHASES.filter((p) => classes.some((c) => breakdown[c]?.phases[p] !== undefined));
  const rows = classes.map((c) => {
    const split = breakdown[c] as ClassPhases;
    const cells = phases.map((p) => {
      const figures = split.phases[p];
      return figures === undefined ? '' : `${figures.p50.toFixed(2)} / ${figures.p99.toFixed(2)}`;
    });
    return [c, String(split.answers), `${split.dominant} (${PHASE_TIER[split.dominant]})`, ...cells];
  });
  return { head: ['class', 'answers', 'dominated by', ...phases], rows };
}

/** `--find-capacity`'s outcome in sentences: the capacity, how the search ended, Little's law. */
export function capacitySentences(c: CapacityRecord): string[] {
  const found = c.rps === null ? 'no rate tried held every threshold' : `every threshold held up to ${c.rps} req/s offered`;
  const failed = c.failedAt === null ? 'no rate tried failed' : `${c.failedAt} req/s failed`;
  const how = { converged: `converged within ${c.tolerance * 100} %`, budget: `stopped by the ${c.budgetS} s budget`, interrupted: 'interrupted' }[c.stoppedBy];
  const l = c.littlesLaw;
  const perApp = l.measuredPerAppRps === null ? 'no capacity was measured' : `the capacity measured is ${l.measuredPerAppRps} req/s per app server (${l.apps} apps)`;
  return [
    `Capacity: ${found}; ${failed}; ${how} after ${c.steps.length} steps of ${c.stepWarmupS} s warm-up + ${c.stepDurationS} s measured. The report's load, latency and errors are the ${c.rps === null ? 'lowest rate tried' : 'capacity'}'s step.`,
    `Little's law: ${l.concurrency} concurrent requests at the design's ~${l.designMeanMs} ms mean imply ${l.impliedRps} req/s; ${perApp}.`,
  ];
}

/** The search's steps by rate: offered, achieved, held or not, p99 per class, why it failed. */
export function capacityTable(c: CapacityRecord): { head: string[]; rows: string[][] } {
  const classes = CLASS_ORDER.filter((cls) => c.steps.some((s) => s.classes[cls] !== undefined));
  const rows = [...c.steps]
    .sort((a, b) => a.rate - b.rate)
    .map((s) => [String(s.rate), s.achievedRps.toFixed(1), s.passed ? 'yes' : 'no', ...classes.map((cls) => s.classes[cls]?.p99.toFixed(2) ?? ''), s.failures.join('; ')]);
  return { head: ['offered req/s', 'achieved req/s', 'held', ...classes.map((cls) => `${cls} p99`), 'failed'], rows };
}

/** `report merge`: each agent's share as table rows, shared by the Markdown and HTML reports. */
export const AGENT_HEAD = ['agent', 'host', 'share', 'req/s', 'requests', 'acknowledged', 'errors', 'trusted'];

export function agentRows(r: BenchReport): string[][] {
  return (r.agents ?? []).map((a) => [
    String(a.index),
    `${a.hostname} (${a.cores} cores)`,
    a.load.model === 'open' ? `${(a.load.rate ?? 0).toFixed(2)} req/s` : `${a.load.connections} connections`,
    a.throughput.rps.toFixed(2),
    String(a.throughput.requests),
    String(a.purchases.acknowledged),
    String(a.errors),
    a.trustworthy ? 'yes' : `no: ${a.reasons.join('; ')}`,
  ]);
}

export function agentsSentence(r: BenchReport): string {
  return `${r.agents?.length ?? 0} load agents, merged exactly: histograms added bucket by bucket, counts summed, seconds aligned on the agreed start. The figures above and below are all of them together.`;
}
