import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random.js';
import { decodeHistogram, encodeHistogram, latencyHistogram, mergeEncoded, recordMs, summarize } from './histograms.js';

describe('latency histograms', () => {
  it('merge exactly: two workers\' encoded halves equal one histogram of everything', () => {
    const random = seededRandom(7);
    const whole = latencyHistogram();
    const parts = [latencyHistogram(), latencyHistogram()];
    for (let i = 0; i < 50_000; i++) {
      // Long-tailed values from 0.05 ms to ~5 s, spread unevenly over the two parts.
      const ms = 0.05 * Math.exp(random() * 11.5);
      recordMs(whole, ms);
      recordMs(parts[random() < 0.3 ? 0 : 1]!, ms);
    }
    let merged = mergeEncoded(undefined, encodeHistogram(parts[0]!), latencyHistogram);
    merged = mergeEncoded(merged, encodeHistogram(parts[1]!), latencyHistogram);
    expect(summarize(merged)).toEqual(summarize(whole));
    for (const p of [1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100]) {
      expect(merged.getValueAtPercentile(p), `p${p}`).toBe(whole.getValueAtPercentile(p));
    }
    expect(encodeHistogram(merged)).toBe(encodeHistogram(whole));
  });

  it('records milliseconds as microseconds and reports milliseconds', () => {
    const h = latencyHistogram();
    for (const ms of [1, 2, 3, 4, 100]) recordMs(h, ms);
    const s = summarize(h);
    expect(s.count).toBe(5);
    expect(s.p50).toBeCloseTo(3, 2);
    expect(s.max).toBeCloseTo(100, 1);
    expect(s.mean).toBeCloseTo(22, 1);
  });

  it('survives encoding unchanged', () => {
    const h = latencyHistogram();
    for (let i = 1; i <= 1000; i++) recordMs(h, i / 10);
    const back = decodeHistogram(encodeHistogram(h));
    expect(summarize(back)).toEqual(summarize(h));
  });
});
