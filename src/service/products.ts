import type { RowDataPacket } from 'mysql2/promise';
import type { NearCache } from './cache/near-cache.js';
import type { Product, ProductCache } from './cache/product-cache.js';
import type { Database } from './database.js';
import { ServiceError } from './errors.js';
import type { Metrics } from './metrics.js';
import type { RequestTiming } from './server-timing.js';

export interface ProductView {
  /** The answer, serialized. */
  body: Buffer;
  cache: 'HIT' | 'MISS';
}

/**
 * The view path: the app's near cache, then Redis; on a miss the replica (the primary if the
 * replica fails or does not have the row yet), then
 * fill the cache with a TTL. Concurrent misses of one product share one database read, so a
 * hot product whose entry expires sends one query to the replica, not thousands. A view may be
 * as stale as the replica; a purchase never relies on it.
 */
export class ProductViews {
  private readonly inFlight = new Map<number, Promise<Product | undefined>>();

  constructor(
    private readonly cache: ProductCache,
    private readonly near: NearCache,
    private readonly replica: Database,
    private readonly primary: Database,
    private readonly metrics: Metrics,
  ) {}

  /** The answer from this app's memory, if it holds a fresh one: no I/O, no promise. */
  cached(id: number): Buffer | undefined {
    const near = this.near.get(id);
    if (near === undefined) return undefined;
    this.cache.countView('hit');
    return near.body;
  }

  /**
   * The answer through Redis and the databases. A miss counts its whole wait for the product
   * as `replica` (the pool wait, the read and the cache fill), which concurrent misses share.
   */
  async view(id: number, timing: RequestTiming): Promise<ProductView> {
    const hot = this.cached(id);
    if (hot !== undefined) return { body: hot, cache: 'HIT' };
    const cached = await timing.time('redis', this.cache.read(id));
    if (cached !== undefined) {
      this.cache.countView('hit');
      return { body: this.near.put(cached), cache: 'HIT' };
    }
    this.cache.countView('miss');
    const product = await timing.time('replica', this.loadOnce(id));
    if (product === undefined) throw new ServiceError('product_not_found', `no product with id ${id}`);
    return { body: this.near.put(product), cache: 'MISS' };
  }

  private loadOnce(id: number): Promise<Product | undefined> {
    const pending = this.inFlight.get(id);
    if (pending) return pending;
    const load = this.loadAndFill(id).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, load);
    return load;
  }

  private async loadAndFill(id: number): Promise<Product | undefined> {
    // A product the replica does not have may be one it has not replicated yet: only the
    // primary can say 404 (one primary-key read, and concurrent misses share it).
    const product = (await this.read(this.replica, id).catch(() => undefined)) ?? (await this.read(this.primary, id));
    return product === undefined ? undefined : this.cache.fill(product);
  }


  private read(db: Database, id: number): Promise<Product | undefined> {
    this.metrics.viewLoads.labels(db.name).inc();
    return readProduct(db, id);
  }
}

interface ProductRow extends RowDataPacket {
  id: number;
  name: string;
  price_cents: number;
  stock: number;
  version: number;
}

async function readProduct(db: Database, id: number): Promise<Product | undefined> {
  const rows = await db.query<ProductRow[]>('SELECT id, name, price_cents, stock, version FROM products WHERE id = ?', [id]);
  const row = rows[0];
  if (row === undefined) return undefined;
  return { id: Number(row.id), name: row.name, priceCents: Number(row.price_cents), stock: Number(row.stock), version: Number(row.version) };
}
