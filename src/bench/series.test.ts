import { describe, expect, it } from 'vitest';
import { Series } from './series.js';

describe('per-second series', () => {
  it('counts a worker whose report fell into the next second with its last earlier report', () => {
    const series = new Series(0);
    series.add([0, 1, 2, 3].map((t) => ({ t, classes: {}, errors: 0, dropped: 0 })));
    // Worker 0 reports every second; worker 1 twice in second 1 and not at all in second 2.
    for (const t of [0, 1, 2, 3]) series.connections(t, 0, 3000);
    series.connections(0, 1, 2000);
    series.connections(1, 1, 2800);
    series.connections(1, 1, 3000);
    series.connections(3, 1, 2500);
    expect(series.samples().map((s) => s.connections)).toEqual([5000, 6000, 6000, 5500]);
    expect(series.sample(2)?.connections).toBe(6000);
  });
});
