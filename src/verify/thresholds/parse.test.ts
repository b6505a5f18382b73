import { describe, expect, it } from 'vitest';
import { UsageError } from '../../errors.js';
import { mergeThresholds, parseThreshold, parseThresholdFlag, parseThresholds } from './parse.js';

describe('threshold language', () => {
  it.each([
    ['view_hit', 'p(99)<10', { aggregate: 'p', percentile: 99, comparator: '<', bound: 10 }],
    ['purchase', ' p( 99.9 ) <= 250 ', { aggregate: 'p', percentile: 99.9, comparator: '<=', bound: 250 }],
    ['purchase', 'avg<50', { aggregate: 'avg', percentile: null, comparator: '<', bound: 50 }],
    ['cache_hit_rate', '>0.80', { aggregate: '', comparator: '>', bound: 0.8 }],
    ['errors', 'rate<0.001', { aggregate: 'rate', comparator: '<', bound: 0.001 }],
    ['db_connections', 'max<300', { aggregate: 'max', comparator: '<', bound: 300 }],
    ['throughput', 'rps>=1000', { aggregate: 'rps', comparator: '>=', bound: 1000 }],
  ])('%s: %s', (metric, expression, expected) => {
    expect(parseThreshold(metric, expression, 'test')).toMatchObject(expected);
  });

  it.each([
    ['veiw_hit', 'p(99)<10', /unknown metric "veiw_hit" \(did you mean view_hit\?\)/],
    ['cache_hit', '>0.8', /unknown metric "cache_hit"/],
    ['purchase', 'p99<100', /purchase has no aggregate "p99"/],
    ['purchase', 'p(99)<<100', /is not a threshold expression/],
    ['purchase', 'p(0)<100', /p\(0\) must be a percentile above 0/],
    ['cache_hit_rate', 'avg>0.8', /cache_hit_rate has no aggregate "avg"/],
    ['errors', '<0.1', /errors has no aggregate "\(none\)"/],
  ])('refuses %s: %s', (metric, expression, message) => {
    expect(() => parseThreshold(metric, expression, 'test')).toThrow(UsageError);
    expect(() => parseThreshold(metric, expression, 'test')).toThrow(message);
  });

  it('names the scenario file and key of a bad threshold', () => {
    expect(() => parseThresholds({ purchase: ['p(99)<100', 'avg<<1'] }, 'scenarios/x.yaml')).toThrow('scenarios/x.yaml: thresholds.purchase.1: "avg<<1" is not a threshold expression');
  });

  it('a flag overrides the same metric and aggregate, and adds anything else', () => {
    const base = parseThresholds({ purchase: ['p(99)<100', 'avg<50'], view_hit: ['p(99)<10'] }, 'f');
    const merged = mergeThresholds(base, [parseThresholdFlag('purchase:p(99)<50'), parseThresholdFlag('errors:count<5')]);
    expect(merged.map((t) => t.source)).toEqual(['purchase: avg<50', 'view_hit: p(99)<10', 'purchase: p(99)<50', 'errors: count<5']);
    expect(() => parseThresholdFlag('p(99)<50')).toThrow(/expected metric:expression/);
  });
});
