import { describe, expect, it } from 'vitest';
import type { LoadSettings } from '../report/model.js';
import type { LoadResult } from './engine.js';
import { checkGenerator } from './self-check.js';

const closed: LoadSettings = { model: 'closed', connections: 100, rate: null, durationS: 10, warmupS: 1, timeoutS: 10, workers: 2 };
const open: LoadSettings = { ...closed, model: 'open', rate: 1000 };
const result = (over: Partial<LoadResult> = {}): LoadResult => ({
  interrupted: false,
  measuredS: 10,
  classes: {},
  histograms: {},
  errors: { connect: 0, timeout: 0, reset: 0, http_5xx: 0, http_4xx: 0, aborted: 0 },
  series: [],
  purchases: { attempted: 0, acknowledged: 0, failed: 0, unknown: 0, unitsSold: 0 },
  measuredSent: 10_000,
  measuredCompleted: 10_000,
  dropped: 0,
  peakConnections: 100,
  connectErrors: 0,
  sendLagP99: null,
  eventLoopUtilization: [0.5, 0.5],
  eventLoopDelayP99: [2, 2],
  ledgerParts: [],
  ...over,
});

describe('generator self-check', () => {
  it('trusts a run that got every connection, its rate and idle time', () => {
    expect(checkGenerator(closed, result(), 20_000, 40)).toMatchObject({ trustworthy: true, reasons: [], rateAchieved: 1000 });
    expect(checkGenerator(open, result({ sendLagP99: 3 }), 20_000, 40).trustworthy).toBe(true);
  });

  it.each([
    ['too few file descriptors', closed, result(), 150, /open-files limit \(150\)/],
    ['connections that never opened', closed, result({ peakConnections: 60 }), 20_000, /only 60 of the 100 connections/],
    ['failed connects', closed, result({ connectErrors: 3 }), 20_000, /3 connection attempt\(s\) failed/],
    ['a rate short of the ask', open, result({ measuredSent: 9000, dropped: 1000 }), 20_000, /sent 900.0 requests\/s of the 1000\/s asked \(1000 dropped/],
    ['late sends', open, result({ sendLagP99: 80 }), 20_000, /80.0 ms late/],
    ['a saturated worker', closed, result({ eventLoopUtilization: [0.5, 0.99], eventLoopDelayP99: [2, 300] }), 20_000, /load worker 1 was busy 99 %.*300 ms late/],
  ])('distrusts %s', (_, load, r, files, reason) => {
    const check = checkGenerator(load, r, files, 40);
    expect(check.trustworthy).toBe(false);
    expect(check.reasons.join('\n')).toMatch(reason);
  });
});
