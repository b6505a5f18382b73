import type { Route } from '../../bench/availability-ticks.js';
import type { FaultWindow } from '../../report/fault-windows.js';
import type { BenchReport } from '../../report/model.js';
import type { Figure } from './evaluate.js';
import type { Threshold } from './parse.js';

/*
 * The figures of the threshold metrics around faults (issue #13), from the report's
 * `availability` and `faults`. A run without faults has no data for the fault aggregates and
 * passes them, marked so; but a fault the run did not recover from is a failure, never a pass:
 * a recovery that cannot be timed is the worst recovery there is.
 */

/** `rate`: over the measured window; `min`: the worst fault window's. */
export function availabilityFigure(report: BenchReport, route: Route, t: Threshold): Figure {
  const sent = (report.scenario?.mix[route] ?? 0) > 0;
  if (t.aggregate === 'rate') {
    const measured = report.availability?.[route];
    if (measured === undefined) return { value: null, unit: '', none: 'the report has no availability figures (written before issue #13, or no scenario ran)' };
    if (measured.availability === null) return noData(`no ${route} was sent in the measured window`, sent);
    return { value: measured.availability, unit: '', none: '' };
  }
  const windows = report.faults?.windows ?? [];
  if (windows.length === 0) return { value: null, unit: '', none: 'the run had no faults' };
  let worst: { value: number; id: number } | undefined;
  for (const w of windows) {
    const value = w.routes[route].availability;
    if (value !== null && (worst === undefined || value < worst.value)) worst = { value, id: w.id };
  }
  if (worst === undefined) return noData(`no ${route} was sent during any fault window`, sent);
  return { value: worst.value, unit: '', none: '', note: faultName(report, worst.id) };
}

/** `max`: the slowest fault's time to the first success; `settled`: its time to p99 under the threshold. */
export function recoveryFigure(report: BenchReport, route: Route, t: Threshold): Figure {
  const windows = report.faults?.windows ?? [];
  if (windows.length === 0) return { value: null, unit: 'ms', none: 'the run had no faults' };
  if ((report.scenario?.mix[route] ?? 0) === 0) return { value: null, unit: 'ms', none: `the scenario sends no ${route}` };
  const settled = t.aggregate === 'settled';
  let slowest: { value: number; id: number } | undefined;
  for (const w of windows) {
    const timed = recoveryOf(report, w, route, settled);
    if (typeof timed === 'string') return { value: null, unit: 'ms', none: '', failure: timed };
    if (slowest === undefined || timed > slowest.value) slowest = { value: timed, id: w.id };
  }
  return slowest === undefined ? { value: null, unit: 'ms', none: 'the run had no faults' } : { value: slowest.value, unit: 'ms', none: '', note: faultName(report, slowest.id) };
}

/** One fault's recovery time, or why it cannot be timed (a failure). */
function recoveryOf(report: BenchReport, w: FaultWindow, route: Route, settled: boolean): number | string {
  const name = faultName(report, w.id);
  if (w.recoveryFromMs === null) return `${name} was not healed while the load ran`;
  const r = w.routes[route].recovery;
  if (!settled) return r.firstSuccessMs ?? `no ${route} succeeded after ${name} was healed, before the load ended`;
  if (r.p99Threshold === null) return `the scenario has no p(99) threshold for ${route} or its classes to settle under`;
  return r.p99UnderMs ?? `${route} p99 never met ${r.p99Threshold} after ${name} was healed, before the load ended`;
}

/** No figure: a failure when the scenario sent such requests (the generator sent none where it should have). */
function noData(none: string, sent: boolean): Figure {
  return sent ? { value: null, unit: '', none, failure: `${none}, though the scenario sends such requests` } : { value: null, unit: '', none };
}

/** `fault 2 (kill app1)`, from the timeline. */
function faultName(report: BenchReport, id: number): string {
  const entry = report.faults?.timeline.find((e) => e.id === id);
  return entry === undefined ? `fault ${id}` : `fault ${id} (${entry.action} ${entry.target})`;
}
