import { describe, expect, it } from 'vitest';
import { workload, type BenchRequest, type WorkloadSpec } from './workload.js';

const spec: WorkloadSpec = {
  kind: 'scenario',
  mix: { view: 0.8, purchase: 0.2 },
  popularity: { kind: 'zipf', skew: 1 },
  products: 1000,
  quantity: { min: 1, max: 3 },
  seed: 42,
  keyPrefix: 'run1',
};

const draw = (s: WorkloadSpec, worker: number, n: number): BenchRequest[] => {
  const next = workload(s, worker);
  return Array.from({ length: n }, next);
};

describe('workload', () => {
  it('keeps the mix, and every purchase key is unique across workers', () => {
    const requests = [...draw(spec, 0, 50_000), ...draw(spec, 1, 50_000)];
    const purchases = requests.filter((r) => r.kind === 'purchase');
    expect(purchases.length / requests.length).toBeGreaterThan(0.19);
    expect(purchases.length / requests.length).toBeLessThan(0.21);
    expect(new Set(purchases.map((p) => p.key)).size).toBe(purchases.length);
    expect(purchases.every((p) => p.quantity >= 1 && p.quantity <= 3 && /^[A-Za-z0-9_.:-]{1,128}$/.test(p.key))).toBe(true);
  });

  it('is repeatable for one seed and differs between workers', () => {
    expect(draw(spec, 0, 100)).toEqual(draw(spec, 0, 100));
    expect(draw(spec, 0, 100)).not.toEqual(draw(spec, 1, 100));
  });

  it('zipf: product 1 is asked for most, about twice product 2 at skew 1, and ids stay in range', () => {
    const counts = new Map<number, number>();
    for (const r of draw(spec, 0, 200_000)) if (r.kind !== 'healthz') counts.set(r.productId, (counts.get(r.productId) ?? 0) + 1);
    const ratio = (counts.get(1) ?? 0) / (counts.get(2) ?? 1);
    expect(ratio).toBeGreaterThan(1.8);
    expect(ratio).toBeLessThan(2.2);
    expect(Math.max(...counts.keys())).toBeLessThanOrEqual(1000);
    expect(Math.min(...counts.keys())).toBe(1);
  });

  it('hot: one product takes its share', () => {
    const hot = draw({ ...spec, popularity: { kind: 'hot', productId: 77, share: 0.9 } }, 0, 20_000);
    const share = hot.filter((r) => r.kind !== 'healthz' && r.productId === 77).length / hot.length;
    expect(share).toBeGreaterThan(0.88);
    expect(share).toBeLessThan(0.92);
  });

  it('calibration asks for /healthz only', () => {
    expect(new Set(draw({ ...spec, kind: 'calibrate' }, 0, 100).map((r) => r.kind))).toEqual(new Set(['healthz']));
  });
});
