import { describe, expect, it } from 'vitest';
import { AvailabilityMerge, AvailabilityRecorder, type AvailabilityTicks } from '../bench/availability-ticks.js';
import type { Verdict } from '../bench/classify.js';
import type { SecondSample } from '../bench/measurement.js';
import type { TimelineEntry } from '../faults/timeline.js';
import { faultWindows, measuredAvailability } from './fault-windows.js';
import { p99Bounds } from './p99-bounds.js';

const ok = (cls: Verdict['cls']): Verdict => ({ cls, error: null, reason: null, outcome: cls.startsWith('purchase') ? 'acknowledged' : null });
const unavailable: Verdict = { cls: 'error', error: 'http_5xx', reason: 'app.unavailable', outcome: null };
const unknownPurchase: Verdict = { cls: 'error', error: 'timeout', reason: 'client.timeout', outcome: 'unknown' };

/**
 * A 10 s load: a view every 10 ms and a purchase every 50 ms (none with `purchases: false`),
 * each answered 5 ms after it was sent, except those sent while the service is down.
 */
function load(down: [number, number] | null, { purchases = true, endMs = 10_000 } = {}): AvailabilityTicks {
  const rec = new AvailabilityRecorder(0);
  const isDown = (at: number) => down !== null && at >= down[0] && at < down[1];
  for (let at = 0; at < endMs; at += 10) {
    rec.record('view', at, at + 5, isDown(at) ? unavailable : ok('view_hit'));
    if (purchases && at % 50 === 0) rec.record('purchase', at, at + 5, isDown(at) ? unknownPurchase : ok('purchase_ok'));
  }
  const merge = new AvailabilityMerge();
  merge.add(rec.take());
  return merge.result(endMs);
}

/** Seconds 0–9; view_hit p99 80 ms in seconds 2–4 (5 ms else), purchase_ok p99 500 ms in seconds 2–3 (40 ms else). */
const series: SecondSample[] = Array.from({ length: 10 }, (_, t) => ({
  t,
  warmup: t < 1,
  rps: 120,
  classes: { view_hit: { count: 100, p50: 2, p99: t >= 2 && t <= 4 ? 80 : 5 }, purchase_ok: { count: 20, p50: 20, p99: t === 2 || t === 3 ? 500 : 40 } },
  errors: 0,
  connections: 10,
  dropped: 0,
}));

const bounds = p99Bounds({ purchase: ['p(99)<100'], view_hit: ['p(99)<10', 'avg<5'] }, 'test.yaml');

const fault = (over: Partial<TimelineEntry> = {}): TimelineEntry => ({
  id: 1,
  action: 'kill',
  target: 'app1',
  nodes: ['app1'],
  startedAtMs: 2000,
  healAtMs: 3000,
  healedAtMs: 3200,
  error: null,
  ...over,
});

describe('fault windows', () => {
  it('counts the requests sent in the window, per route, and times each route back from the heal', () => {
    // Down from the fault until 50 ms after the heal began.
    const [w] = faultWindows([fault()], load([2000, 3050]), series, bounds);
    expect(w).toMatchObject({ id: 1, fromMs: 2000, toMs: 3200, recoveryFromMs: 3000 });
    // Sends 2000..3190: 120 views (105 while down), 24 purchases (21 while down).
    expect(w?.routes.view).toMatchObject({ attempts: 120, successes: 15, failures: { 'app.unavailable': 105 }, unknown: 0 });
    expect(w?.routes.view.availability).toBeCloseTo(15 / 120, 10);
    expect(w?.routes.purchase).toMatchObject({ attempts: 24, successes: 3, failures: { 'client.timeout': 21 }, unknown: 21 });
    // The first success of each: sent at 3050, done at 3055 (its 10 ms step starts at 3050).
    expect(w?.routes.view.recovery).toEqual({ firstSuccessMs: 50, p99UnderMs: 2000, p99Threshold: 'view_hit: p(99)<10' });
    expect(w?.routes.purchase.recovery).toEqual({ firstSuccessMs: 50, p99UnderMs: 1000, p99Threshold: 'purchase: p(99)<100' });
    // Purchases acknowledged at 1955 and 3055 (10 ms steps 1950 and 3050): no acknowledgement from the fault until 3050.
    expect(w?.longestAcknowledgedGapMs).toBe(1050);
  });

  it('times the longest stretch without an acknowledged purchase from the fault on: purchases that got through at first do not hide it, sold-outs do not end it', () => {
    const rec = new AvailabilityRecorder(0);
    rec.record('purchase', 1990, 2040, ok('purchase_ok')); // got through as the fault began
    rec.record('purchase', 2100, 2110, ok('purchase_sold_out')); // a definite answer, but nothing sold
    rec.record('purchase', 2200, 4000, ok('purchase_ok')); // held up, acknowledged when it was over
    rec.record('purchase', 4000, 4020, ok('purchase_ok'));
    rec.record('purchase', 5900, 5950, ok('purchase_ok'));
    const merge = new AvailabilityMerge();
    merge.add(rec.take());
    const [w] = faultWindows([fault({ healAtMs: 5000, healedAtMs: 5100 })], merge.result(6000), series, bounds);
    expect(w?.longestAcknowledgedGapMs).toBe(1960); // 2040 .. 4000
    const [late] = faultWindows([fault({ startedAtMs: 4100, healAtMs: 5000, healedAtMs: 5100 })], merge.result(6000), series, bounds);
    expect(late?.longestAcknowledgedGapMs).toBe(1850); // the fault's start .. 5950
    const [never] = faultWindows([fault({ startedAtMs: 5960, healAtMs: 5970, healedAtMs: 5980 })], merge.result(6000), series, bounds);
    expect(never?.longestAcknowledgedGapMs).toBeNull();
    // One purchase got through as the fault began (5950), then none until the load ended (8000): not back.
    const [stuck] = faultWindows([fault({ startedAtMs: 5945, healAtMs: 6500, healedAtMs: 6600 })], merge.result(8000), series, bounds);
    expect(stuck?.longestAcknowledgedGapMs).toBeNull();
  });

  it('a fault still active when the load ended: the window runs to the end, and nothing recovered', () => {
    const ticks = load([6000, 10_000]);
    const [w] = faultWindows([fault({ startedAtMs: 6000, healAtMs: null, healedAtMs: null })], ticks, series, bounds);
    expect(w).toMatchObject({ fromMs: 6000, toMs: 10_000, recoveryFromMs: null });
    expect(w?.routes.view).toMatchObject({ attempts: 400, successes: 0, availability: 0 });
    expect(w?.routes.view.recovery).toEqual({ firstSuccessMs: null, p99UnderMs: null, p99Threshold: 'view_hit: p(99)<10' });
  });

  it('a heal after the load ended does not count as recovery; a heal never followed by a success is no recovery either', () => {
    const late = faultWindows([fault({ startedAtMs: 9000, healAtMs: 12_000, healedAtMs: 12_500 })], load(null), series, bounds);
    expect(late[0]).toMatchObject({ toMs: 12_500, recoveryFromMs: null });
    expect(late[0]?.routes.view.recovery.firstSuccessMs).toBeNull();
    const [stuck] = faultWindows([fault({ startedAtMs: 6000, healAtMs: 7000, healedAtMs: 7100 })], load([6000, 10_000]), series, bounds);
    expect(stuck?.recoveryFromMs).toBe(7000);
    expect(stuck?.routes.purchase.recovery.firstSuccessMs).toBeNull();
  });

  it('a fault whose heal failed lasted to the end: its window runs there and nothing recovered, whatever the route did', () => {
    const [w] = faultWindows([fault({ healedAtMs: null, error: 'healing failed: app1 did not become ready' })], load([2000, 3050]), series, bounds);
    expect(w).toMatchObject({ fromMs: 2000, toMs: 10_000, recoveryFromMs: null });
    expect(w?.routes.view.recovery.firstSuccessMs).toBeNull();
    const [restart] = faultWindows([fault({ action: 'restart', healAtMs: 2000, healedAtMs: null, error: 'restart failed: port taken' })], load([2000, 3050]), series, bounds);
    expect(restart?.recoveryFromMs).toBeNull();
  });

  it('p99 counts as back only from the first second sent wholly after the heal', () => {
    // The heal at 5.3 s: second 5 holds requests from before it, so second 6 is the first judged.
    const [w] = faultWindows([fault({ healAtMs: 5300, healedAtMs: 5400 })], load([2000, 5350]), series, bounds);
    expect(w?.routes.view.recovery.p99UnderMs).toBe(700);
  });

  it('a route with no attempts in the window has no availability, and no success to recover with', () => {
    const [w] = faultWindows([fault()], load([2000, 3050], { purchases: false }), series, bounds);
    expect(w?.routes.purchase).toMatchObject({ attempts: 0, successes: 0, availability: null });
    expect(w?.routes.purchase.recovery.firstSuccessMs).toBeNull();
    expect(w?.routes.view.attempts).toBe(120);
  });

  it('overlapping faults each count the requests of their own window', () => {
    const ticks = load([2000, 3050]);
    const [outer, inner] = faultWindows([fault(), fault({ id: 2, action: 'pause', target: 'redis-master', startedAtMs: 2500, healAtMs: 2700, healedAtMs: 2700 })], ticks, series, bounds);
    expect(outer?.routes.view.attempts).toBe(120);
    expect(inner?.routes.view).toMatchObject({ attempts: 20, successes: 0 });
    expect(inner?.routes.purchase.attempts).toBe(4);
  });

  it('counts whole 100 ms ticks: every tick the window touches', () => {
    const [w] = faultWindows([fault({ startedAtMs: 2050, healAtMs: 2120, healedAtMs: 2120 })], load(null), series, bounds);
    expect(w?.routes.view.attempts).toBe(20); // ticks 20 and 21
  });

  it('times recovery in whole ms from a heal that carries fractions', () => {
    const [w] = faultWindows([fault({ healAtMs: 3000.4, healedAtMs: 3200.25 })], load([2000, 3050]), series, bounds);
    expect(w?.routes.view.recovery).toMatchObject({ firstSuccessMs: 50, p99UnderMs: 2000 });
  });

  it('without a p(99) threshold for a route, only the first success is timed', () => {
    const none = p99Bounds({ errors: ['rate<0.01'], purchase: ['p(90)<100'] }, 'test.yaml');
    const [w] = faultWindows([fault()], load([2000, 3050]), series, none);
    expect(w?.routes.purchase.recovery).toEqual({ firstSuccessMs: 50, p99UnderMs: null, p99Threshold: null });
  });
});

describe('measured availability', () => {
  it('per route over the ticks after the warm-up', () => {
    const measured = measuredAvailability(load([2000, 3000]), 1000);
    // 900 views sent after the warm-up, 100 of them while down.
    expect(measured.view).toMatchObject({ attempts: 900, successes: 800, failures: { 'app.unavailable': 100 } });
    expect(measured.view.availability).toBeCloseTo(800 / 900, 10);
    expect(measured.purchase).toMatchObject({ attempts: 180, successes: 160, unknown: 20 });
    expect(measuredAvailability(load(null, { purchases: false }), 1000).purchase.availability).toBeNull();
  });
});
