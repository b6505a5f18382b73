import type { ProductCache } from '../../cache/product-cache.js';
import type { ProductLock } from '../../cache/product-lock.js';
import type { Database } from '../../database.js';
import type { Metrics } from '../../metrics.js';

export interface StrategyDeps {
  primary: Database;
  cache: ProductCache;
  lock: ProductLock;
  metrics: Metrics;
}
