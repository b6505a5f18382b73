import type { Product } from './product-cache.js';

interface Entry {
  product: Product;
  /** The answer body, serialized once: a hit writes these bytes as they are. */
  body: Buffer;
  expiresAt: number;
}

/**
 * A small in-process cache of hot product answers in front of Redis. A view that hits it costs
 * a Map lookup instead of a Redis round trip and two JSON conversions. It may be stale for at
 * most `ttlMs` (views may be stale, purchases never read it); order.created events move its
 * stock sooner. The oldest entries go first once `maxEntries` is reached.
 */
export class NearCache {
  private readonly entries = new Map<number, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get(id: number): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(id);
      return undefined;
    }
    return entry;
  }

  put(product: Product): Buffer {
    const body = Buffer.from(JSON.stringify(product));
    if (!this.enabled) return body;
    // Two views finishing out of order must not put an older stock back.
    const held = this.entries.get(product.id);
    if (held !== undefined && held.product.version > product.version) return held.body;
    this.entries.delete(product.id);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(product.id, { product, body, expiresAt: this.now() + this.ttlMs });
    return body;
  }

  /** A purchase somewhere changed the stock: apply it if it is newer than what we hold. */
  updateStock(id: number, stock: number, version: number): void {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.product.version >= version) return;
    const product = { ...entry.product, stock, version };
    this.entries.set(id, { product, body: Buffer.from(JSON.stringify(product)), expiresAt: entry.expiresAt });
  }
}
