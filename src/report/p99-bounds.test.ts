import { describe, expect, it } from 'vitest';
import type { SecondSample } from '../bench/measurement.js';
import { meetsP99, p99Bounds } from './p99-bounds.js';

const second = (classes: SecondSample['classes']): SecondSample => ({ t: 3, warmup: false, rps: 1, classes, errors: 0, connections: 1, dropped: 0 });

describe('p(99) bounds of a route', () => {
  it("takes the route's own p(99) thresholds for all its classes, else each class's own; other aggregates are not bounds", () => {
    const bounds = p99Bounds({ purchase: ['p(99)<100', 'p(90)<50'], purchase_ok: ['p(99)<20'], view_hit: ['p(99)<10'], view_miss: ['avg<50'] }, 'f.yaml');
    expect(bounds.purchase?.sources).toEqual(['purchase: p(99)<100']);
    expect(Object.keys(bounds.purchase?.byClass ?? {})).toEqual(['purchase_ok', 'purchase_sold_out']);
    expect(bounds.view?.sources).toEqual(['view_hit: p(99)<10']);
    expect(Object.keys(bounds.view?.byClass ?? {})).toEqual(['view_hit']);
    expect(p99Bounds({ errors: ['rate<0.1'] }, 'f.yaml')).toEqual({ view: null, purchase: null });
  });

  it('a second meets the bound when every judged class that answered meets it (the highest p99 of the union)', () => {
    const { purchase, view } = p99Bounds({ purchase: ['p(99)<=100'], view_hit: ['p(99)<10'] }, 'f.yaml');
    if (purchase === null || view === null) throw new Error('bounds expected');
    expect(meetsP99(second({ purchase_ok: { count: 5, p50: 1, p99: 100 }, purchase_sold_out: { count: 1, p50: 1, p99: 3 } }), purchase)).toBe(true);
    expect(meetsP99(second({ purchase_ok: { count: 5, p50: 1, p99: 40 }, purchase_sold_out: { count: 1, p50: 1, p99: 101 } }), purchase)).toBe(false);
    // No answer of a judged class in that second: nothing shows the latency is back.
    expect(meetsP99(second({ view_miss: { count: 9, p50: 1, p99: 2 } }), view)).toBe(false);
    expect(meetsP99(second({ view_hit: { count: 0, p50: 0, p99: 0 } }), view)).toBe(false);
    // view_miss is not judged when only view_hit has a threshold.
    expect(meetsP99(second({ view_hit: { count: 9, p50: 1, p99: 9 }, view_miss: { count: 9, p50: 1, p99: 900 } }), view)).toBe(true);
  });
});
