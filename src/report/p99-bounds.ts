import { ROUTE_CLASSES, ROUTES, type Route } from '../bench/availability-ticks.js';
import type { RequestClass, SecondSample } from '../bench/measurement.js';
import { meets, parseThresholds, type Threshold } from '../verify/thresholds/parse.js';

/**
 * The scenario's p(99) thresholds that a route's latency must be back under after a fault:
 * the route's own (`view`, `purchase`) when it has any, else its classes' (`view_hit`,
 * `view_miss`; `purchase_ok`, `purchase_sold_out`).
 */
export interface P99Bound {
  /** The thresholds as written, e.g. `purchase: p(99)<100`. */
  sources: string[];
  /** Per class of the route, the thresholds its p99 must meet; a class without one is not judged. */
  byClass: Partial<Record<RequestClass, Threshold[]>>;
}

const isP99 = (t: Threshold) => t.aggregate === 'p' && t.percentile === 99;

/** Per route, its p(99) bound, or null when the scenario sets none for it or its classes. */
export function p99Bounds(thresholds: Record<string, string[]>, file: string): Record<Route, P99Bound | null> {
  const parsed = parseThresholds(thresholds, file).filter(isP99);
  const boundOf = (route: Route): P99Bound | null => {
    const own = parsed.filter((t) => t.metric === route);
    const classes = ROUTE_CLASSES[route];
    const byClass: P99Bound['byClass'] = {};
    for (const cls of classes) {
      const applying = own.length > 0 ? own : parsed.filter((t) => t.metric === cls);
      if (applying.length > 0) byClass[cls] = applying;
    }
    const sources = [...new Set(Object.values(byClass).flatMap((ts) => ts.map((t) => t.source)))];
    return sources.length === 0 ? null : { sources, byClass };
  };
  return Object.fromEntries(ROUTES.map((route) => [route, boundOf(route)])) as Record<Route, P99Bound | null>;
}

/**
 * Whether a second's p99 meets the bound: every judged class answered in it meets its
 * thresholds, and at least one did answer. The series keeps a p99 per class, not per route; a
 * union's p99 is at most its classes' highest, so this errs on the side of "not yet".
 */
export function meetsP99(second: SecondSample, bound: P99Bound): boolean {
  let answered = false;
  for (const [cls, thresholds] of Object.entries(bound.byClass) as [RequestClass, Threshold[]][]) {
    const figures = second.classes[cls];
    if (figures === undefined || figures.count === 0) continue;
    answered = true;
    if (!thresholds.every((t) => meets(t, figures.p99))) return false;
  }
  return answered;
}
