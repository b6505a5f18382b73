import { describe, expect, it } from 'vitest';
import { latencyHistogram, encodeHistogram, recordMs } from '../../bench/histograms.js';
import { sampleReport } from '../../../test/support/report-fixture.js';
import { evaluateThresholds } from './evaluate.js';
import { parseThreshold, type Threshold } from './parse.js';

const t = (metric: string, expression: string): Threshold => parseThreshold(metric, expression, 'test');

/** A histogram holding exactly these latencies (ms). */
function encoded(values: number[]): string {
  const h = latencyHistogram();
  for (const v of values) recordMs(h, v);
  return encodeHistogram(h);
}

describe('threshold evaluation', () => {
  const report = sampleReport({
    histograms: { purchase_ok: encoded([10, 20, 30, 40]), purchase_sold_out: encoded([1000]), view_hit: encoded(Array.from({ length: 100 }, (_, i) => i + 1)) },
    errors: { connect: 0, timeout: 3, reset: 1, http_5xx: 0, http_4xx: 0, aborted: 0 },
    throughput: { rps: 1000, requests: 4000, measuredS: 4 },
  });
  report.server = { ...(report.server as NonNullable<typeof report.server>), cacheHitRate: 0.85, dbMaxConnections: { primary: 250, replica: 120, broken: null } };

  it('computes latency aggregates from the exact histograms, adding classes together', () => {
    const [p99, avg, max, count, union] = evaluateThresholds(report, [t('view_hit', 'p(99)<100'), t('purchase_ok', 'avg<30'), t('view_hit', 'max<=100.1'), t('purchase', 'count==5'), t('purchase', 'p(90)<100')]);
    expect(p99).toMatchObject({ ok: true });
    expect(p99?.actual).toBeCloseTo(99, 0);
    expect(avg).toMatchObject({ ok: true });
    expect(avg?.actual).toBeCloseTo(25, 1);
    expect(max?.ok).toBe(true);
    expect(count).toMatchObject({ ok: true, actual: 5 });
    // 1 of the 5 purchases took 1000 ms: p(90) of the union lands on it.
    expect(union?.ok).toBe(false);
    expect(union?.detail).toMatch(/purchase p\(90\) = 100\d\.\d\d ms \(fails < 100\)/);
  });

  it('rates, ratios, connections and throughput', () => {
    const results = evaluateThresholds(report, [t('errors', 'rate<0.001'), t('errors', 'count<5'), t('cache_hit_rate', '>0.80'), t('db_connections', 'max<300'), t('db_connections', 'sum<300'), t('throughput', 'rps>500')]);
    expect(results.map((r) => [r.actual, r.ok])).toEqual([
      [0.001, false],
      [4, true],
      [0.85, true],
      [250, true],
      [370, false],
      [1000, true],
    ]);
  });

  it("without server figures (load agents sending to --target) the cache hit rate is the client's X-Cache count, said so", () => {
    const agents = { ...report, server: null, classes: { ...report.classes, view_hit: { count: 90, mean: 1, p50: 1, p90: 1, p99: 1, p999: 1, max: 1 }, view_miss: { count: 10, mean: 1, p50: 1, p90: 1, p99: 1, p999: 1, max: 1 } } };
    const [rate] = evaluateThresholds(agents, [t('cache_hit_rate', '>0.95')]);
    expect(rate).toMatchObject({ actual: 0.9, ok: false });
    expect(rate?.detail).toContain("the client's X-Cache");
  });

  it('a metric without samples passes, marked "no data" rather than faked', () => {
    const [miss] = evaluateThresholds(report, [t('view_miss', 'p(99)<50')]);
    expect(miss).toEqual({ threshold: 'view_miss: p(99)<50', actual: null, ok: true, detail: 'no data: no view_miss request was measured' });
  });
});

describe('no data', () => {
  it('fails a union metric the scenario asked for (every purchase failed), passes a single class that may be empty', () => {
    const report = sampleReport({ histograms: { view_hit: encoded([1, 2, 3]) } });
    const [purchase, soldOut] = evaluateThresholds(report, [t('purchase', 'p(99)<100'), t('purchase_sold_out', 'p(99)<100')]);
    expect(purchase).toMatchObject({ ok: false, actual: null });
    expect(purchase?.detail).toContain('though the scenario sent such requests');
    expect(soldOut).toMatchObject({ ok: true, actual: null });
  });
});
