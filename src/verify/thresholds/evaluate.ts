import type { Histogram } from 'hdr-histogram-js';
import { decodeHistogram } from '../../bench/histograms.js';
import { clientHitRate, ERROR_KINDS } from '../../bench/measurement.js';
import type { BenchReport } from '../../report/model.js';
import { availabilityFigure, recoveryFigure } from './fault-figures.js';
import { METRICS } from './metrics.js';
import { meets, type Threshold } from './parse.js';

export interface ThresholdResult {
  threshold: string;
  /** The figure compared, or null when the run has no data for it (then it passes, marked so). */
  actual: number | null;
  ok: boolean;
  detail: string;
}

/** Evaluates each threshold on the report's aggregated figures (latencies from its exact histograms). */
export function evaluateThresholds(report: BenchReport, thresholds: Threshold[]): ThresholdResult[] {
  return thresholds.map((t) => {
    const { value, unit, none, failure, note } = figure(report, t);
    if (value === null && failure !== undefined) return { threshold: t.source, actual: null, ok: false, detail: `${label(t)}: ${failure} (fails ${t.comparator} ${t.bound})` };
    if (value === null) {
      // No samples of a kind the scenario sent (every purchase failed, say) is no pass.
      const expected = askedFor(report, t.metric);
      return { threshold: t.source, actual: null, ok: !expected, detail: `no data: ${none}${expected ? ', though the scenario sent such requests' : ''}` };
    }
    const ok = meets(t, value);
    const shown = Number.isInteger(value) ? String(value) : value.toFixed(unit === 'ms' ? 2 : 4);
    return { threshold: t.source, actual: value, ok, detail: `${label(t)} = ${shown}${unit === 'ms' ? ' ms' : ''}${note === undefined ? '' : ` at ${note}`} (${ok ? 'meets' : 'fails'} ${t.comparator} ${t.bound})` };
  });
}

/**
 * Whether the run sent requests that this metric should have samples of: the unions `view`,
 * `purchase` and `all` cover every good answer of their kind. A single class (`view_miss`,
 * `purchase_sold_out`) may rightly have none.
 */
function askedFor(report: BenchReport, metric: string): boolean {
  const mix = report.scenario?.mix;
  if (mix === undefined) return false;
  if (metric === 'view') return mix.view > 0;
  if (metric === 'purchase') return mix.purchase > 0;
  return metric === 'all';
}

function label(t: Threshold): string {
  const aggregate = t.aggregate === 'p' ? `p(${t.percentile})` : t.aggregate;
  return aggregate === '' ? t.metric : `${t.metric} ${aggregate}`;
}

export interface Figure {
  value: number | null;
  unit: 'ms' | '';
  /** Why there is no value: the threshold passes, marked "no data" (unless the scenario sent such requests). */
  none: string;
  /** Why there is no value, when that is a failure in itself (a fault never recovered from). */
  failure?: string;
  /** Where the value comes from, when one of several: `fault 2 (kill app1)`. */
  note?: string;
}

function figure(report: BenchReport, t: Threshold): Figure {
  const spec = METRICS[t.metric];
  switch (spec?.kind) {
    case 'latency':
      return latency(report, spec.classes ?? [], t);
    case 'ratio':
      return cacheHitRate(report);
    case 'errors': {
      const count = ERROR_KINDS.reduce((sum, kind) => sum + report.errors[kind], 0);
      if (t.aggregate === 'count') return { value: count, unit: '', none: '' };
      return { value: report.throughput.requests === 0 ? null : count / report.throughput.requests, unit: '', none: 'no request was measured' };
    }
    case 'connections': {
      const peaks = Object.values(report.server?.dbMaxConnections ?? {}).filter((n): n is number => n !== null);
      const value = peaks.length === 0 ? null : t.aggregate === 'sum' ? peaks.reduce((a, b) => a + b, 0) : Math.max(...peaks);
      return { value, unit: '', none: "no database's peak could be read" };
    }
    case 'throughput':
      return { value: report.load === null ? null : report.throughput.rps, unit: '', none: 'no scenario ran' };
    case 'availability':
      return availabilityFigure(report, spec.route ?? 'view', t);
    case 'recovery':
      return recoveryFigure(report, spec.route ?? 'view', t);
    default:
      return { value: null, unit: '', none: 'unknown metric' };
  }
}

/**
 * The apps' own count of cache hits over views. Load agents that sent to `--target` read no
 * server: then the client's count (`X-Cache` of every view measured), said in the verdict.
 */
function cacheHitRate(report: BenchReport): Figure {
  if (report.server !== null) return { value: report.server.cacheHitRate, unit: '', none: 'no views were measured' };
  return { value: clientHitRate(report.classes), unit: '', none: 'no server figures and no views in the report', note: "the client's X-Cache (no server figures in the report)" };
}

/** The classes' histograms added together (exactly), then the aggregate, in ms. */
function latency(report: BenchReport, classes: readonly string[], t: Threshold): Figure {
  let merged: Histogram | undefined;
  for (const cls of classes) {
    const encoded = report.histograms[cls as keyof typeof report.histograms];
    if (encoded === undefined) continue;
    const h = decodeHistogram(encoded);
    if (merged === undefined) merged = h;
    else merged.add(h);
  }
  if (merged === undefined || merged.totalCount === 0) return { value: null, unit: 'ms', none: `no ${classes.join(' or ')} request was measured` };
  const ms = (us: number) => us / 1000;
  const value = {
    p: () => ms(merged.getValueAtPercentile(t.percentile ?? 50)),
    avg: () => ms(merged.mean),
    med: () => ms(merged.getValueAtPercentile(50)),
    min: () => ms(merged.minNonZeroValue),
    max: () => ms(merged.getValueAtPercentile(100)),
    count: () => merged.totalCount,
  }[t.aggregate as 'p'];
  return { value: value(), unit: t.aggregate === 'count' ? '' : 'ms', none: '' };
}
