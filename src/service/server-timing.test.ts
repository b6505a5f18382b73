import { describe, expect, it } from 'vitest';
import { PHASE_NAMES, RequestTiming } from './server-timing.js';

describe('RequestTiming', () => {
  it('writes each phase spent in a fixed order, adds repeats and merged timings, then the app\'s total', () => {
    const timing = new RequestTiming();
    timing.add('tx', 3.456);
    timing.add('redis', 0.4);
    timing.add('redis', 0.1);
    const group = new RequestTiming();
    group.add('pool', 0.25);
    group.add('tx', 1);
    timing.merge(group);
    expect(timing.header()).toMatch(/^redis;dur=0\.5, pool;dur=0\.25, tx;dur=4\.46, app;dur=\d+(\.\d{1,2})?$/);
  });

  it('has a slot for every phase', () => {
    const timing = new RequestTiming();
    for (const phase of PHASE_NAMES) timing.add(phase, 1);
    expect(timing.header().split(', ').map((e) => e.split(';')[0])).toEqual([...PHASE_NAMES, 'app']);
  });

  it('times awaited work whether it succeeds or fails', async () => {
    const timing = new RequestTiming();
    await timing.time('lock', new Promise((r) => setTimeout(r, 5)));
    await expect(timing.time('tx', Promise.reject(new Error('lost')))).rejects.toThrow('lost');
    const entries = Object.fromEntries(timing.header().split(', ').map((e) => [e.split(';')[0], Number(e.split('dur=')[1])]));
    expect(entries.lock).toBeGreaterThanOrEqual(3.9);
    expect(entries.tx).toBeGreaterThanOrEqual(0);
  });

  it('disabled, counts nothing and hands the work back as it is', () => {
    const timing = new RequestTiming(false);
    const work = Promise.resolve(1);
    expect(timing.time('redis', work)).toBe(work);
    timing.add('tx', 5);
    expect(timing.header()).toMatch(/^app;dur=/);
  });
});
