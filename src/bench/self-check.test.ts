import { describe, expect, it } from 'vitest';
import { loadResult } from '../../test/support/load-result.js';
import type { LoadSettings } from './load-settings.js';
import { checkBench, checkGenerator } from './self-check.js';

const closed: LoadSettings = { model: 'closed', connections: 100, durationMs: 10_000, warmupMs: 1000, timeoutMs: 10_000, workers: 2 };
const open: LoadSettings = { ...closed, model: 'open', rate: 1000 };
const result = loadResult;

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

describe('self-check of a whole bench', () => {
  it("adds the calibration's reasons, prefixed, to the scenario run's", () => {
    const check = checkBench(open, { calibration: result({ peakConnections: 60 }), scenario: result() }, 20_000, 40);
    expect(check).toMatchObject({ trustworthy: false, reasons: ['calibration: only 60 of the 100 connections asked were open at once'], rateAsked: 1000 });
    expect(Object.keys(check).slice(0, 2)).toEqual(['trustworthy', 'reasons']);
  });

  it('checks a calibration alone as the closed run it is, whatever the scenario asks', () => {
    const check = checkBench(open, { calibration: result({ measuredSent: 10 }), scenario: null }, 20_000, 40);
    expect(check).toMatchObject({ trustworthy: true, reasons: [], rateAsked: null });
  });

  it('distrusts a bench interrupted before anything was sent', () => {
    const check = checkBench(closed, { calibration: null, scenario: null }, 20_000, 40);
    expect(check).toMatchObject({ trustworthy: false, reasons: ['only 0 of the 100 connections asked were open at once'], connectionsPeak: 0, rateAchieved: 0, eventLoopUtilization: [] });
  });
});
