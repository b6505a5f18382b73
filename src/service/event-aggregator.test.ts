import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventAggregator, type RepeatCount } from './event-aggregator.js';

/** Every line the aggregator wrote: its payload, count and since, and the (fake) time it was written. */
function recorder() {
  const lines: { payload: string; at: number; repeats: RepeatCount }[] = [];
  const aggregator = new EventAggregator<string>((payload, repeats) => lines.push({ payload, at: Date.now(), repeats }), 1000);
  return { aggregator, lines };
}

describe('EventAggregator', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(10_000);
  });
  afterEach(() => vi.useRealTimers());

  it('writes the first occurrence at once, with a count of 1', () => {
    const { aggregator, lines } = recorder();
    aggregator.record('orders overloaded', 'first');
    expect(lines).toEqual([{ payload: 'first', at: 10_000, repeats: { count: 1, since: 10_000 } }]);
  });

  it('writes a burst of 5000 in one second as two lines: the first, then the count of the rest', async () => {
    const { aggregator, lines } = recorder();
    aggregator.record('orders overloaded', 'n0');
    vi.advanceTimersByTime(1);
    for (let i = 1; i < 5000; i++) {
      aggregator.record('orders overloaded', `n${i}`);
      vi.advanceTimersByTime(0.1);
    }
    expect(lines).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(lines).toHaveLength(2);
    // The second line carries the first repeat's payload and time, and how many it stands for.
    expect(lines[1]).toMatchObject({ payload: 'n1', at: 11_000, repeats: { count: 4999, since: 10_001 } });
    expect(lines.reduce((sum, line) => sum + line.repeats.count, 0)).toBe(5000);
  });

  it('writes at most one line a second per kind while a kind goes on, and keeps kinds apart', async () => {
    const { aggregator, lines } = recorder();
    for (let ms = 0; ms < 3000; ms += 10) {
      aggregator.record('orders overloaded', 'o');
      aggregator.record('product busy', 'b');
      await vi.advanceTimersByTimeAsync(10);
    }
    const perKind = (payload: string) => lines.filter((line) => line.payload === payload);
    for (const kind of ['o', 'b']) {
      const written = perKind(kind);
      expect(written.length).toBeLessThanOrEqual(4);
      for (let i = 1; i < written.length; i++) expect((written[i]?.at ?? 0) - (written[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    }
    await vi.advanceTimersByTimeAsync(1000);
    expect(perKind('o').reduce((sum, line) => sum + line.repeats.count, 0)).toBe(300);
    expect(perKind('b').reduce((sum, line) => sum + line.repeats.count, 0)).toBe(300);
  });

  it('forgets a kind quiet for a whole window: its next occurrence is written at once again', async () => {
    const { aggregator, lines } = recorder();
    aggregator.record('k', 'a');
    await vi.advanceTimersByTimeAsync(2500);
    expect(lines).toHaveLength(1);
    aggregator.record('k', 'b');
    expect(lines.map((line) => [line.payload, line.repeats.count])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
  });

  it('flush writes the counts not yet written and stops the windows', async () => {
    const { aggregator, lines } = recorder();
    aggregator.record('k', 'a');
    aggregator.record('k', 'b');
    aggregator.record('k', 'c');
    aggregator.record('quiet', 'q');
    aggregator.flush();
    expect(lines.map((line) => [line.payload, line.repeats.count])).toEqual([
      ['a', 1],
      ['q', 1],
      ['b', 2],
    ]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(lines).toHaveLength(3);
  });
});
