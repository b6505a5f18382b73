import { describe, expect, it } from 'vitest';
import { parseServerTiming, splitLatency } from './server-timing.js';

describe('Server-Timing', () => {
  it('parses the app\'s and nginx\'s values joined, adds a name given twice, skips entries without a numeric dur', () => {
    const parsed = parseServerTiming('redis;dur=0.40, tx;dur=3.5, redis;dur=0.10, app;dur=5.00, lb-connect;dur=0003, lb-header;dur=, junk, x;desc="a";dur=1e3');
    expect(Object.fromEntries(parsed)).toEqual({ redis: 0.5, tx: 3.5, app: 5, 'lb-connect': 3 });
  });

  it('splits a latency behind nginx into edge, lb-connect, app-queue, the app\'s phases and app-other', () => {
    const parts = splitLatency(20, 'lock;dur=1.00, redis;dur=0.50, pool;dur=0.25, tx;dur=4.00, app;dur=7.00, lb-connect;dur=0001, lb-header;dur=0012');
    expect(parts).toEqual([
      ['edge', 8],
      ['lb-connect', 1],
      ['app-queue', 4],
      ['lock', 1],
      ['redis', 0.5],
      ['pool', 0.25],
      ['tx', 4],
      ['app-other', 1.25],
    ]);
    expect((parts ?? []).reduce((sum, [, ms]) => sum + ms, 0)).toBeCloseTo(20, 9);
  });

  it('without nginx\'s values the edge is all outside the app; no part is negative', () => {
    expect(splitLatency(2, 'near;dur=0.02, app;dur=3.00')).toEqual([
      ['edge', 0],
      ['near', 0.02],
      ['app-other', 2.98],
    ]);
    // nginx's whole-ms clock can put the app's time above its own header time.
    expect(splitLatency(5, 'app;dur=2.40, lb-connect;dur=0000, lb-header;dur=0002')).toContainEqual(['app-queue', 0]);
  });

  it('has nothing to split without the app\'s total (nginx\'s own error pages, a server without the header)', () => {
    expect(splitLatency(3, undefined)).toBeNull();
    expect(splitLatency(3, 'lb-connect;dur=0000, lb-header;dur=0002')).toBeNull();
  });
});
