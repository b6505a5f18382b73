import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from './measurement.js';

/**
 * HDR histograms of latency in microseconds. One fixed layout for every histogram of a kind, so
 * adding one to another (the merge across workers) is exact: counts are added bucket by bucket.
 */
const HIGHEST_US = 600_000_000; // 10 minutes: above any request timeout

/** Whole-run histograms: 3 significant digits, the precision a report's percentiles carry. */
export function latencyHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3 });
}

/** Per-second histograms, drawn as a curve over time: 2 digits keep them small. */
export function intervalHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 2 });
}

export function recordMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000))));
}

export const encodeHistogram = (histogram: Histogram): string => encodeIntoCompressedBase64(histogram);

export function decodeHistogram(encoded: string): Histogram {
  return decodeFromCompressedBase64(encoded);
}

/** Adds `encoded` into `into` (created on first use with the given factory). */
export function mergeEncoded(into: Histogram | undefined, encoded: string, create: () => Histogram): Histogram {
  const target = into ?? create();
  const part = decodeFromCompressedBase64(encoded);
  target.add(part);
  part.destroy();
  return target;
}

const ms = (us: number) => Math.round(us) / 1000;

/**
 * Count, mean and percentiles in ms. `max` is the top of the highest bucket (p100), like every
 * percentile here, so a summary is the same whether the histogram was recorded or merged.
 */
export function summarize(histogram: Histogram): LatencySummary {
  return {
    count: histogram.totalCount,
    mean: ms(histogram.mean),
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.getValueAtPercentile(100)),
  };
}
