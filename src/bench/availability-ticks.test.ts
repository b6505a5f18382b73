import { describe, expect, it } from 'vitest';
import { AvailabilityMerge, AvailabilityRecorder } from './availability-ticks.js';
import type { Verdict } from './classify.js';
import { Recorder } from './recorder.js';

const hit: Verdict = { cls: 'view_hit', error: null, reason: null, outcome: null };
const acknowledged: Verdict = { cls: 'purchase_ok', error: null, reason: null, outcome: 'acknowledged' };
const soldOut: Verdict = { cls: 'purchase_sold_out', error: null, reason: null, outcome: 'failed' };
const overloaded: Verdict = { cls: 'error', error: 'http_5xx', reason: 'app.overloaded', outcome: 'failed' };
const timedOut: Verdict = { cls: 'error', error: 'timeout', reason: 'client.timeout', outcome: 'unknown' };
const viewTimedOut: Verdict = { ...timedOut, outcome: null };

const START = 1_000_000;

describe('availability ticks (worker side)', () => {
  it('counts per 100 ms of intended send time and route; successes by the 10 ms step they completed in', () => {
    const rec = new AvailabilityRecorder(START);
    rec.record('view', START + 5, START + 40, hit);
    rec.record('view', START + 99, START + 2_500, viewTimedOut); // sent in tick 0, failed much later: still tick 0
    rec.record('purchase', START + 100, START + 131, soldOut);
    rec.record('purchase', START + 150, START + 160, overloaded);
    rec.record('purchase', START + 199, START + 10_199, timedOut);
    const part = rec.take();
    expect(part.ticks).toEqual([
      { t: 0, view: { attempts: 2, successes: 1, failures: { 'client.timeout': 1 }, unknown: 0 }, purchase: { attempts: 0, successes: 0, failures: {}, unknown: 0 } },
      { t: 1, view: { attempts: 0, successes: 0, failures: {}, unknown: 0 }, purchase: { attempts: 3, successes: 1, failures: { 'app.overloaded': 1, 'client.timeout': 1 }, unknown: 1 } },
    ]);
    expect(part.successSteps).toEqual({ view: [4], purchase: [13] });
  });

  it('take() hands over what came since the last call, and starts again empty', () => {
    const rec = new AvailabilityRecorder(START);
    rec.record('view', START + 10, START + 20, hit);
    expect(rec.take().ticks).toHaveLength(1);
    expect(rec.take()).toEqual({ ticks: [], successSteps: { view: [], purchase: [] }, acknowledgedSteps: [] });
    // A late answer of tick 0 after a take: a new part of the same tick, not lost.
    rec.record('view', START + 50, START + 900, hit);
    expect(rec.take().ticks.map((t) => [t.t, t.view.attempts])).toEqual([[0, 1]]);
  });
  it('keeps the 10 ms steps in which acknowledged purchases completed (sold-outs are not acknowledgements)', () => {
    const rec = new AvailabilityRecorder(START);
    rec.record('purchase', START + 100, START + 900, acknowledged);
    rec.record('purchase', START + 105, START + 230, acknowledged);
    rec.record('purchase', START + 120, START + 125, soldOut);
    rec.record('purchase', START + 130, START + 3_000, timedOut);
    expect(rec.take().acknowledgedSteps).toEqual([90, 23]);
  });
});

describe('availability merge (parent side)', () => {
  it('adds parts of the same tick from several workers and messages; success steps are a sorted union', () => {
    const a = new AvailabilityRecorder(START);
    const b = new AvailabilityRecorder(START);
    a.record('purchase', START + 10, START + 55, soldOut);
    b.record('purchase', START + 20, START + 58, soldOut);
    b.record('purchase', START + 30, START + 300, timedOut);
    const merge = new AvailabilityMerge();
    merge.add(b.take());
    a.record('view', START + 250, START + 262, hit);
    merge.add(a.take());
    merge.add(null); // a calibration worker counts nothing
    const result = merge.result(5000);
    expect(result).toMatchObject({ tickMs: 100, stepMs: 10, endMs: 5000 });
    expect(result.ticks.map((t) => t.t)).toEqual([0, 2]);
    expect(result.ticks[0]?.purchase).toEqual({ attempts: 3, successes: 2, failures: { 'client.timeout': 1 }, unknown: 1 });
    expect(result.successSteps).toEqual({ view: [26], purchase: [5] });
    expect(result.acknowledgedSteps).toEqual([]);
  });
});

describe('recorder', () => {
  it('files a purchase (it has a ledger entry) and a view by route, warm-up included', () => {
    const recorder = new Recorder(START, START + 1000, null, new AvailabilityRecorder(START));
    const entry = { key: 'k', productId: 1, quantity: 1, orderId: null, status: 503 };
    recorder.complete(START + 10, START + 20, hit, null); // in the warm-up
    recorder.complete(START + 1500, START + 1600, overloaded, entry);
    const part = recorder.availability?.take();
    expect(part?.ticks.map((t) => [t.t, t.view.attempts, t.purchase.attempts])).toEqual([
      [0, 1, 0],
      [15, 0, 1],
    ]);
    expect(part?.ticks[1]?.purchase.failures).toEqual({ 'app.overloaded': 1 });
  });
});
