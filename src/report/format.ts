/* Formatting shared by the Markdown and HTML writers. */
import { REQUEST_CLASSES, type LatencySummary, type RequestClass } from '../bench/measurement.js';
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
