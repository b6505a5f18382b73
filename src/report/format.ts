/* Formatting shared by the Markdown and HTML writers. */
import { REQUEST_CLASSES, type LatencySummary, type RequestClass } from '../bench/measurement.js';
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
