import type { RowDataPacket } from 'mysql2/promise';
import type { Dependencies } from './dependencies.js';
import { ServiceError } from './errors.js';

export interface Product {
  id: number;
  name: string;
  priceCents: number;
  stock: number;
  version: number;
}

export interface ProductView {
  product: Product;
  cache: 'HIT' | 'MISS';
}

export const productCacheKey = (id: number) => `product:${id}`;

/**
 * The view path: Redis first; on a miss the replica, then fill the cache with a TTL.
 * Concurrent misses of one product share one database read, so a hot product whose entry
 * expires sends one query to the replica, not thousands.
 */
export class ProductViews {
  private readonly inFlight = new Map<number, Promise<Product | undefined>>();

  constructor(
    private readonly deps: Dependencies,
    private readonly ttlSeconds: number,
  ) {}

  async view(id: number): Promise<ProductView> {
    const cached = await this.deps.redis.get(productCacheKey(id)).catch(() => undefined);
    if (cached) return { product: JSON.parse(cached) as Product, cache: 'HIT' };
    const product = await this.loadOnce(id);
    if (product === undefined) throw new ServiceError('product_not_found', `no product with id ${id}`);
    return { product, cache: 'MISS' };
  }

  private loadOnce(id: number): Promise<Product | undefined> {
    const pending = this.inFlight.get(id);
    if (pending) return pending;
    const load = this.loadAndFill(id).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, load);
    return load;
  }

  private async loadAndFill(id: number): Promise<Product | undefined> {
    const product = await readProduct(this.deps, id);
    if (product !== undefined) {
      // A cache that cannot be filled (Redis down) still answers the view from the database.
      await this.deps.redis.set(productCacheKey(id), JSON.stringify(product), 'EX', this.ttlSeconds).catch(() => undefined);
    }
    return product;
  }
}

interface ProductRow extends RowDataPacket {
  id: number;
  name: string;
  price_cents: number;
  stock: number;
  version: number;
}

async function readProduct(deps: Dependencies, id: number): Promise<Product | undefined> {
  const sql = 'SELECT id, name, price_cents, stock, version FROM products WHERE id = ?';
  let rows: ProductRow[];
  try {
    [rows] = await deps.replica.query<ProductRow[]>(sql, [id]);
  } catch {
    // The replica is down: views fall back to the primary.
    try {
      [rows] = await deps.primary.query<ProductRow[]>(sql, [id]);
    } catch (error) {
      throw new ServiceError('unavailable', `no database answered: ${(error as Error).message}`, 1);
    }
  }
  const row = rows[0];
  if (row === undefined) return undefined;
  return { id: Number(row.id), name: row.name, priceCents: Number(row.price_cents), stock: Number(row.stock), version: Number(row.version) };
}
