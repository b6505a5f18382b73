/* The faults section's tables (issue #13), shared by the Markdown and HTML writers. */
import { ROUTES, type Route } from '../bench/availability-ticks.js';
import type { ErrorReason } from '../bench/measurement.js';
import type { RouteAvailability, RouteWindow } from './fault-windows.js';
import type { BenchReport, FaultsRecord } from './model.js';

export interface TextTable {
  head: string[];
  rows: string[][];
}

/** Seconds since the load's start, the clock of the series: `12.3 s`; `—` for a time that never came. */
const at = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);
/** Availability needs more than a percent's tenth: 99.95 % is not 100 %. */
export const availabilityText = (rate: number | null) => (rate === null ? 'n/a' : `${(rate * 100).toFixed(2)} %`);

/** The three most frequent failure reasons: `app.unavailable 105, client.timeout 3`. */
export function topReasons(failures: Partial<Record<ErrorReason, number>>, top = 3): string {
  const sorted = (Object.entries(failures) as [ErrorReason, number][]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  if (sorted.length === 0) return 'none';
  const shown = sorted.slice(0, top).map(([reason, n]) => `${reason} ${n}`);
  return sorted.length > top ? `${shown.join(', ')}, …` : shown.join(', ');
}

/** What was done, where, and when: one row per fault. */
export function timelineTable(f: FaultsRecord): TextTable {
  const rows = f.timeline.map((e) => [String(e.id), e.action, e.target, at(e.startedAtMs), at(e.healAtMs), at(e.healedAtMs), e.error ?? '']);
  return { head: ['fault', 'action', 'target', 'started', 'heal', 'healed', 'error'], rows };
}

const countCells = (r: RouteAvailability, route: Route) => [String(r.attempts), String(r.successes), availabilityText(r.availability), topReasons(r.failures), route === 'purchase' ? String(r.unknown) : ''];
const COUNT_HEAD = ['sent', 'ok', 'availability', 'top failures', 'unknown purchases'];

/** Per fault and route, the requests sent in its window. */
export function windowTable(f: FaultsRecord): TextTable {
  const rows = f.windows.flatMap((w) => ROUTES.map((route) => [String(w.id), `${at(w.fromMs)} – ${at(w.toMs)}`, route, ...countCells(w.routes[route], route)]));
  return { head: ['fault', 'window', 'route', ...COUNT_HEAD], rows };
}

/** Per fault and route, the time from the heal to the first success and to p99 under its threshold. */
export function recoveryTable(f: FaultsRecord): TextTable {
  const rows = f.windows.flatMap((w) =>
    ROUTES.map((route) => {
      const r = w.routes[route].recovery;
      if (w.recoveryFromMs === null) return [String(w.id), route, 'not healed during the load', '—', '—', r.p99Threshold ?? 'none'];
      return [String(w.id), route, at(w.recoveryFromMs), recoveredIn(r.firstSuccessMs), r.p99Threshold === null ? 'not timed' : recoveredIn(r.p99UnderMs), r.p99Threshold ?? 'none in the scenario'];
    }),
  );
  return { head: ['fault', 'route', 'heal', 'to first success', 'to p99 under threshold', 'p99 threshold'], rows };
}

/** What the apps logged, on the timeline's clock: one row per event. */
export function appEventsTable(f: FaultsRecord): TextTable {
  const rows = (f.appEvents ?? []).map((e) => [at(e.atMs), e.node, e.event, e.detail]);
  if ((f.appEventsLeftOut ?? 0) > 0) rows.push(['', '', `… ${f.appEventsLeftOut} more`, 'left out']);
  return { head: ['at', 'node', 'event', 'detail'], rows };
}

const recoveredIn = (ms: RouteWindow['recovery']['firstSuccessMs']) => (ms === null ? 'never' : `${ms} ms`);

/** The whole measured window, per route; empty for a report without the figures. */
export function availabilityTable(report: BenchReport): TextTable {
  const a = report.availability;
  return { head: ['route', ...COUNT_HEAD], rows: a === undefined ? [] : ROUTES.map((route) => [route, ...countCells(a[route], route)]) };
}

/** What the figures mean, in sentences, and the closed model's caveat. */
export function faultNotes(report: BenchReport): string[] {
  const notes = [
    "Times count from the load's start (warm-up included), like the series. A window runs from the fault's start to its healed time (to the load's end when its heal failed or never finished), counted in whole 100 ms steps of send time; overlapping faults count the same requests. Recovery counts from the heal's start: to the first success (to 10 ms), and to the first second sent wholly after the heal whose p99 meets the scenario's p(99) threshold (to 1 s).",
  ];
  if (report.load?.model === 'closed') notes.push('Closed model: a stalled server holds its connections, so few requests are sent while it stalls and the availability of its window flatters it; the open model sends on schedule.');
  return notes;
}
