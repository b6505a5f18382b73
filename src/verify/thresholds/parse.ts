import { UsageError } from '../../errors.js';
import { AGGREGATES, METRICS } from './metrics.js';

/*
 * The threshold language, k6-like; one expression per string:
 *
 *   expression := aggregate comparator number
 *   aggregate  := "p(" number ")" | "avg" | "med" | "min" | "max" | "count" | "rate" | "sum" | "rps" | "settled" | ""
 *   comparator := "<" | "<=" | ">" | ">=" | "==" | "!="
 *   number     := digits [ "." digits ]
 *
 * In a scenario: `metric: [expression, …]`, e.g. `purchase: ["p(99)<100", "avg<50"]`,
 * `cache_hit_rate: [">0.80"]` (the empty aggregate is the metric's own value). On the command
 * line: `--threshold 'metric:expression'`. Which aggregates a metric has is in metrics.ts.
 * Latencies are in milliseconds. Spaces are allowed between the parts.
 *
 * Around faults (issue #13; the report's `availability` and `faults`): `availability_view` and
 * `availability_purchase` take `rate` (definite answers over requests sent in the measured
 * window) and `min` (the worst fault window's); `recovery_view` and `recovery_purchase` take
 * `max` (the longest time, over the run's faults, from the heal to the route's first success)
 * and `settled` (the longest time from the heal to the first second whose p99 meets the
 * scenario's p(99) threshold for the route), in ms. A run without faults has no data for `min`,
 * `max` and `settled` (they pass, marked so); a fault not healed during the load, a route that
 * never answered again, or `settled` without a p(99) threshold to settle under fails.
 */
export type Comparator = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface Threshold {
  metric: string;
  /** 'p' (with `percentile`), 'avg', 'med', …, or '' for the metric's value. */
  aggregate: string;
  percentile: number | null;
  comparator: Comparator;
  bound: number;
  /** As written, for messages and reports. */
  source: string;
}

const COMPARE: Record<Comparator, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};

/** Whether `value` meets the threshold's comparison. */
export function meets(threshold: Threshold, value: number): boolean {
  return COMPARE[threshold.comparator](value, threshold.bound);
}

const EXPRESSION = /^\s*(?:(p)\(\s*(\d+(?:\.\d+)?)\s*\)|([a-z][a-z0-9]*|))\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** Parses one expression for `metric`; `where` names its place (file and key, or the flag) in errors. */
export function parseThreshold(metric: string, expression: string, where: string): Threshold {
  const spec = METRICS[metric];
  if (spec === undefined) {
    throw new UsageError(`${where}: unknown metric "${metric}"${suggestion(metric)}`, [`metrics: ${Object.keys(METRICS).join(', ')}`]);
  }
  const match = EXPRESSION.exec(expression);
  if (match === null) {
    throw new UsageError(`${where}: "${expression}" is not a threshold expression`, ['expected aggregate comparator number, e.g. p(99)<10, avg<50, rate<0.001, >0.80']);
  }
  const [, p, percentile, word, comparator, bound] = match;
  const aggregate = p ?? word ?? '';
  if (!AGGREGATES[spec.kind].includes(aggregate)) {
    const allowed = AGGREGATES[spec.kind].map((a) => (a === 'p' ? 'p(N)' : a === '' ? '(nothing: the value itself)' : a)).join(', ');
    const hint = /^p\d/.test(aggregate) ? [`write a percentile as p(${aggregate.slice(1)})`] : [];
    throw new UsageError(`${where}: ${metric} has no aggregate "${aggregate === 'p' ? 'p(N)' : aggregate || '(none)'}"`, [`${metric} (${spec.description}) takes: ${allowed}`, ...hint]);
  }
  const pct = percentile === undefined ? null : Number(percentile);
  if (pct !== null && (pct <= 0 || pct > 100)) throw new UsageError(`${where}: p(${percentile}) must be a percentile above 0 and at most 100`);
  return { metric, aggregate, percentile: pct, comparator: comparator as Comparator, bound: Number(bound), source: `${metric}: ${expression.trim()}` };
}

/** Every threshold of a scenario's `thresholds` block, each error naming the file and key. */
export function parseThresholds(block: Record<string, string[]>, file: string): Threshold[] {
  return Object.entries(block).flatMap(([metric, expressions]) => expressions.map((e, i) => parseThreshold(metric, e, `${file}: thresholds.${metric}.${i}`)));
}

/** `--threshold 'purchase:p(99)<50'`. */
export function parseThresholdFlag(text: string): Threshold {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new UsageError(`--threshold "${text}": expected metric:expression, e.g. purchase:p(99)<50`);
  return parseThreshold(text.slice(0, colon).trim(), text.slice(colon + 1), `--threshold "${text}"`);
}

/** A flag replaces the scenario's threshold on the same metric and aggregate, or adds one. */
export function mergeThresholds(base: Threshold[], overrides: Threshold[]): Threshold[] {
  const key = (t: Threshold) => `${t.metric}|${t.aggregate}|${t.percentile ?? ''}`;
  const replaced = new Set(overrides.map(key));
  return [...base.filter((t) => !replaced.has(key(t))), ...overrides];
}

function suggestion(metric: string): string {
  const close = Object.keys(METRICS).filter((name) => distance(name, metric) <= 2);
  return close.length === 0 ? '' : ` (did you mean ${close.join(' or ')}?)`;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length] ?? 0;
}
