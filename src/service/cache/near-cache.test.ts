import { describe, expect, it } from 'vitest';
import { NearCache } from './near-cache.js';

const product = (id: number, stock = 5, version = 1) => ({ id, name: `p${id}`, priceCents: 100, stock, version });

describe('NearCache', () => {
  it('answers with the serialized product until the TTL ends', () => {
    let now = 0;
    const cache = new NearCache(1000, 10, () => now);
    cache.put(product(1));
    expect(JSON.parse(cache.get(1)?.body.toString() ?? 'null')).toEqual(product(1));
    now = 999;
    expect(cache.get(1)).toBeDefined();
    now = 1000;
    expect(cache.get(1)).toBeUndefined();
  });

  it('takes newer stock from events and ignores older ones', () => {
    const cache = new NearCache(1000, 10, () => 0);
    cache.put(product(1, 5, 3));
    cache.updateStock(1, 4, 4);
    expect(cache.get(1)?.product).toMatchObject({ stock: 4, version: 4 });
    cache.updateStock(1, 9, 2);
    expect(JSON.parse(cache.get(1)?.body.toString() ?? 'null')).toMatchObject({ stock: 4, version: 4 });
  });

  it('drops the oldest entry when full, and holds nothing when disabled', () => {
    const cache = new NearCache(1000, 2, () => 0);
    cache.put(product(1));
    cache.put(product(2));
    cache.put(product(3));
    expect([cache.get(1), cache.get(2), cache.get(3)].map((e) => e?.product.id)).toEqual([undefined, 2, 3]);
    const off = new NearCache(0, 2, () => 0);
    off.put(product(1));
    expect(off.get(1)).toBeUndefined();
  });
});
