import type { Redis } from 'ioredis';
import type { Metrics } from '../metrics.js';

export interface Product {
  id: number;
  name: string;
  priceCents: number;
  stock: number;
  version: number;
}

const productKey = (id: number) => `product:${id}`;
export const stockKey = (id: number) => `stock:${id}`;
/** Every cached stock, for SCAN MATCH (stock-lineage.ts drops them after a change of master). */
export const STOCK_KEYS = 'stock:*';

/**
 * The product cache in Redis, in two keys so purchases can move stock without rewriting the
 * product: `product:{id}` holds what never changes (name, price), `stock:{id}` holds
 * "stock:version", written only through the newest-version-wins script. Both carry the TTL.
 */
export class ProductCache {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
    private readonly metrics: Metrics,
  ) {}

  /** The cached product, or undefined on a miss (also when Redis does not answer). */
  async read(id: number): Promise<Product | undefined> {
    const [fixed, stock] = await this.redis.mget(productKey(id), stockKey(id)).catch(() => [null, null]);
    if (!fixed || !stock) return undefined;
    const parsed = parseStock(stock);
    if (parsed === undefined) return undefined;
    const { name, priceCents } = JSON.parse(fixed) as { name: string; priceCents: number };
    return { id, name, priceCents, ...parsed };
  }

  /**
   * Fills the cache from a database read and returns the product as the cache now has it: a
   * lagging replica's older stock loses to a newer one a purchase already cached. Best effort:
   * a cache that cannot be filled still lets the view answer from the database.
   */
  async fill(product: Product): Promise<Product> {
    const fixed = JSON.stringify({ name: product.name, priceCents: product.priceCents });
    try {
      const [, kept] = await Promise.all([
        this.redis.set(productKey(product.id), fixed, 'EX', this.ttlSeconds),
        this.redis.setStockIfNewer(stockKey(product.id), product.stock, product.version, this.ttlSeconds),
      ]);
      return { ...product, ...parseStock(kept) };
    } catch {
      return product;
    }
  }

  /**
   * After a purchase: the database's new stock, unless a newer one is cached already. If that
   * write fails, the cached stock (now too high) is dropped rather than left to disagree.
   */
  async recordStock(id: number, stock: number, version: number): Promise<void> {
    await this.redis.setStockIfNewer(stockKey(id), stock, version, this.ttlSeconds).catch(() => this.forgetStock(id));
  }

  /**
   * Drops the cached stock of a product whose purchase ended without a known outcome (a COMMIT
   * cut off may still have committed): the next reader takes it from a database. Best effort.
   */
  async forgetStock(id: number): Promise<void> {
    await this.redis.del(stockKey(id)).catch(() => undefined);
  }

  /**
   * The cached stock, or undefined when none is cached or Redis does not answer. It is never
   * lower than the database's (stock only decreases), so `cached < quantity` proves sold out.
   */
  async cachedStock(id: number): Promise<number | undefined> {
    const value = await this.redis.get(stockKey(id)).catch(() => null);
    return value === null ? undefined : parseStock(value)?.stock;
  }

  /** Like cachedStock, but a Redis failure is thrown (for the seed design, which needs Redis). */
  async cachedStockStrict(id: number): Promise<number | undefined> {
    const value = await this.redis.get(stockKey(id));
    return value === null ? undefined : parseStock(value)?.stock;
  }

  countView(result: 'hit' | 'miss'): void {
    this.metrics.views[result]++;
  }
}

function parseStock(value: string): { stock: number; version: number } | undefined {
  const match = /^(-?\d+):(\d+)$/.exec(value);
  if (!match) return undefined;
  return { stock: Number(match[1]), version: Number(match[2]) };
}
