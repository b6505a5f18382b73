import { addCounts, noCounts, ROUTES, type AvailabilityTick, type AvailabilityTicks, type Route, type RouteCounts } from '../bench/availability-ticks.js';
import type { SecondSample } from '../bench/measurement.js';
import type { TimelineEntry } from '../faults/timeline.js';
import { meetsP99, type P99Bound } from './p99-bounds.js';

/** A route's requests over a span, counted by intended send time (report `availability`, fault windows). */
export interface RouteAvailability extends RouteCounts {
  /** successes ÷ attempts; null with no attempts. */
  availability: number | null;
}

/** How long a route took to come back after a fault was healed (null: it did not while the load ran). */
export interface RouteRecovery {
  /** ms from the heal to the first success of the route completed at or after it (to 10 ms). */
  firstSuccessMs: number | null;
  /** ms from the heal to the start of the first second, sent wholly after the heal, whose p99 meets `p99Threshold` (to 1 s). */
  p99UnderMs: number | null;
  /** The p(99) thresholds judged, as written; null when the scenario has none for the route (then `p99UnderMs` is null). */
  p99Threshold: string | null;
}

export type RouteWindow = RouteAvailability & { recovery: RouteRecovery };

/** One fault's window and what the load saw in it (report `faults.windows`). */
export interface FaultWindow {
  /** The timeline entry's id. */
  id: number;
  /** ms since the load's start: the fault's start, and its healed time (the load's end when its heal failed or never finished). */
  fromMs: number;
  toMs: number;
  /** Recovery counts from here: the heal's start; null when the fault was not healed while the load ran. */
  recoveryFromMs: number | null;
  /**
   * The longest time, from the fault's start on, in which no purchase was acknowledged (201):
   * the gaps between the completions of acknowledged purchases, the first counted from the
   * fault's start, to 10 ms. null when purchases had not come back when the load ended: none was
   * acknowledged after the fault's start, or the stretch from the last one to the load's end is
   * longer than every gap before it and than TAIL_NOT_BACK_MS. A failover's length as buyers
   * saw it, whenever the fault healed; unlike a first success after the fault, not shortened by
   * purchases that got through before the fault took hold, and unlike `recovery`, blind to
   * sold-out answers. Optional: absent in reports written before it.
   */
  longestAcknowledgedGapMs?: number | null;
  routes: Record<Route, RouteWindow>;
}

/**
 * Per fault: the requests sent in its window and how each route recovered. Windows are counted
 * in whole 100 ms ticks: every tick the window touches, so a window shorter than a tick still
 * holds the requests around it. Overlapping faults count the same requests in each window.
 */
export function faultWindows(timeline: TimelineEntry[], ticks: AvailabilityTicks, series: SecondSample[], bounds: Record<Route, P99Bound | null>): FaultWindow[] {
  return timeline.map((entry) => {
    const fromMs = entry.startedAtMs;
    // A fault whose heal failed (or never finished) lasted to the end: nothing recovered from it.
    const healed = entry.error === null && entry.healedAtMs !== null;
    const toMs = healed ? (entry.healedAtMs ?? ticks.endMs) : ticks.endMs;
    const counted = sumTicks(ticks.ticks.filter((t) => t.t * ticks.tickMs < toMs && (t.t + 1) * ticks.tickMs > fromMs));
    const recoveryFromMs = healed && entry.healAtMs !== null && entry.healAtMs <= ticks.endMs ? entry.healAtMs : null;
    const route = (r: Route): RouteWindow => ({ ...withAvailability(counted[r]), recovery: recovery(r, recoveryFromMs, ticks, series, bounds[r]) });
    return { id: entry.id, fromMs, toMs, recoveryFromMs, longestAcknowledgedGapMs: longestAcknowledgedGap(ticks, fromMs), routes: { view: route('view'), purchase: route('purchase') } };
  });
}

/** Per route over the measured window: the ticks that start at or after the warm-up's end. */
export function measuredAvailability(ticks: AvailabilityTicks, warmupMs: number): Record<Route, RouteAvailability> {
  const counted = sumTicks(ticks.ticks.filter((t) => t.t * ticks.tickMs >= warmupMs));
  return { view: withAvailability(counted.view), purchase: withAvailability(counted.purchase) };
}

function sumTicks(ticks: AvailabilityTick[]): Record<Route, RouteCounts> {
  const total: Record<Route, RouteCounts> = { view: noCounts(), purchase: noCounts() };
  for (const tick of ticks) for (const route of ROUTES) addCounts(total[route], tick[route]);
  return total;
}

function withAvailability(counts: RouteCounts): RouteAvailability {
  return { ...counts, availability: counts.attempts === 0 ? null : counts.successes / counts.attempts };
}

function recovery(route: Route, fromMs: number | null, ticks: AvailabilityTicks, series: SecondSample[], bound: P99Bound | null): RouteRecovery {
  const p99Threshold = bound === null ? null : bound.sources.join(', ');
  if (fromMs === null) return { firstSuccessMs: null, p99UnderMs: null, p99Threshold };
  return { firstSuccessMs: firstSuccessAfter(ticks.successSteps[route], ticks.stepMs, fromMs), p99UnderMs: bound === null ? null : p99UnderAfter(series, bound, fromMs), p99Threshold };
}

/** A load's last stretch without an acknowledged purchase, longer than every gap before it and than this: they had not come back. */
const TAIL_NOT_BACK_MS = 1000;

/** The longest stretch from `fromMs` on without an acknowledged purchase completing (steps of `stepMs`); null: not back by the load's end. */
function longestAcknowledgedGap(ticks: AvailabilityTicks, fromMs: number): number | null {
  let previous = fromMs;
  let longest = 0;
  let any = false;
  for (const step of ticks.acknowledgedSteps) {
    const at = step * ticks.stepMs;
    if (at + ticks.stepMs <= fromMs) continue;
    any = true;
    longest = Math.max(longest, at - previous);
    previous = Math.max(previous, at);
  }
  if (!any) return null;
  const tail = ticks.endMs - previous;
  return tail > Math.max(longest, TAIL_NOT_BACK_MS) ? null : Math.round(longest);
}

/**
 * The first success in the 10 ms step holding `fromMs` or later, as ms after `fromMs` (0 when it
 * is in that step: a success a few ms before the heal may count, never one a step earlier).
 */
function firstSuccessAfter(steps: number[], stepMs: number, fromMs: number): number | null {
  const from = Math.floor(fromMs / stepMs);
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((steps[mid] ?? Infinity) < from) lo = mid + 1;
    else hi = mid;
  }
  const step = steps[lo];
  // Whole ms: the fault driver's times carry fractions, the steps are 10 ms wide.
  return step === undefined ? null : Math.max(0, Math.round(step * stepMs - fromMs));
}

/** The first second, from the one holding `fromMs`, whose p99 meets the bound, as ms after `fromMs`. */
function p99UnderAfter(series: SecondSample[], bound: P99Bound, fromMs: number): number | null {
  // The first second sent wholly after the heal: one holding requests from before it proves nothing.
  const from = Math.ceil(fromMs / 1000);
  const second = series.find((s) => s.t >= from && meetsP99(s, bound));
  return second === undefined ? null : Math.max(0, Math.round(second.t * 1000 - fromMs));
}
