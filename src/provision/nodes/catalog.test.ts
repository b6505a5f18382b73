import { describe, expect, it } from 'vitest';
import { generateCatalog } from './catalog.js';

const catalog = { products: 1000, stock: { min: 100, max: 1000 }, priceCents: { min: 199, max: 99_999 }, seed: 7 };

describe('generateCatalog', () => {
  it('makes the asked number of products with ids 1..N inside the ranges', () => {
    const products = generateCatalog(catalog);
    expect(products).toHaveLength(1000);
    expect(products.map((p) => p.id)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    for (const p of products) {
      expect(p.stock).toBeGreaterThanOrEqual(100);
      expect(p.stock).toBeLessThanOrEqual(1000);
      expect(p.priceCents).toBeGreaterThanOrEqual(199);
      expect(p.priceCents).toBeLessThanOrEqual(99_999);
    }
    expect(products[41]?.name).toBe('Product 0042');
  });

  it('is the same for the same seed and differs for another', () => {
    expect(generateCatalog(catalog)).toEqual(generateCatalog(catalog));
    expect(generateCatalog({ ...catalog, seed: 8 })).not.toEqual(generateCatalog(catalog));
  });

  it('spreads stock over the range rather than piling it on one value', () => {
    const stocks = new Set(generateCatalog(catalog).map((p) => p.stock));
    expect(stocks.size).toBeGreaterThan(500);
  });
});
