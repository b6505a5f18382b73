import { describe, expect, it } from 'vitest';
import { describePhases, mergePhases, PhaseHistograms } from './latency-phases.js';

describe('latency phases', () => {
  it('merges the workers\' phase histograms exactly and names the phase with the most time', () => {
    const a = new PhaseHistograms();
    const b = new PhaseHistograms();
    for (let i = 0; i < 50; i++) a.record('purchase_ok', 30, 'lock;dur=2.00, tx;dur=20.00, app;dur=23.00');
    for (let i = 0; i < 50; i++) b.record('purchase_ok', 12, 'lock;dur=2.00, tx;dur=4.00, app;dur=7.00');
    b.record('view_hit', 1, 'near;dur=0.01, app;dur=0.05');
    b.record('error', 900, undefined);
    const merged = mergePhases([a.encoded(), b.encoded()]);
    const purchase = merged.purchase_ok;
    expect(purchase?.answers).toBe(100);
    expect(purchase?.dominant).toBe('tx');
    expect(purchase?.phases.tx?.mean).toBeCloseTo(12, 1);
    expect(purchase?.phases.tx?.p99).toBeCloseTo(20, 0);
    expect(purchase?.phases.lock?.p50).toBeCloseTo(2, 1);
    // The edge: 30 − 23 and 12 − 7 ms.
    expect(purchase?.phases.edge?.mean).toBeCloseTo(6, 1);
    expect(merged.view_hit?.answers).toBe(1);
    // An answer without the app's Server-Timing is not split.
    expect(merged.error).toBeUndefined();
    expect(describePhases(purchase as NonNullable<typeof purchase>, 2)).toMatch(/^tx 12\.\d · edge 6\.\d ms \(mean\)$/);
  });
});
