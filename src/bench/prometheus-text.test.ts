import { describe, expect, it } from 'vitest';
import { sumSeries } from './prometheus-text.js';

const text = `# HELP shop_cache_requests_total views
# TYPE shop_cache_requests_total counter
shop_cache_requests_total{result="hit"} 90
shop_cache_requests_total{result="miss"} 10
shop_cache_requests_total_extra 5
shop_db_pool_wait_timeouts_total{pool="primary"} 2
shop_db_pool_wait_timeouts_total{pool="replica"} 3
shop_lock_wait_seconds_sum 1.5
`;

describe('sumSeries', () => {
  it('sums one series over its label sets, or only those matching a label', () => {
    expect(sumSeries(text, 'shop_cache_requests_total')).toBe(100);
    expect(sumSeries(text, 'shop_cache_requests_total', 'result="hit"')).toBe(90);
    expect(sumSeries(text, 'shop_db_pool_wait_timeouts_total')).toBe(5);
    expect(sumSeries(text, 'shop_lock_wait_seconds_sum')).toBe(1.5);
    expect(sumSeries(text, 'absent_total')).toBe(0);
  });
});
