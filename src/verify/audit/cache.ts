import type { Redis } from 'ioredis';
import type { Connection } from 'mysql2/promise';
import { queryRows } from '../../clients/mysql.js';
import { invariantResult, type InvariantResult } from './invariant.js';

const SCAN_COUNT = 1000;

/** I5: every cached stock (`stock:{id}` = "stock:version" on the Redis master) equals the primary's stock. */
export async function checkCache(cache: Redis, primary: Connection): Promise<InvariantResult> {
  const stock = new Map<number, number>();
  for (const row of await queryRows(primary, 'SELECT id, stock FROM products')) stock.set(Number(row.id), Number(row.stock));
  const violations: Record<string, unknown>[] = [];
  let cached = 0;
  let cursor = '0';
  do {
    const [next, keys] = await cache.scan(cursor, 'MATCH', 'stock:*', 'COUNT', SCAN_COUNT);
    cursor = next;
    if (keys.length === 0) continue;
    const values = await cache.mget(...keys);
    keys.forEach((key, i) => {
      const value = values[i];
      if (value === null || value === undefined) return; // expired between SCAN and MGET: absent is fine
      cached += 1;
      const productId = Number(key.slice('stock:'.length));
      const cachedStock = Number(value.split(':')[0]);
      const database = stock.get(productId);
      if (database === undefined || cachedStock !== database) violations.push({ productId, cached: value, databaseStock: database ?? null });
    });
  } while (cursor !== '0');
  return invariantResult('I5', `${cached} cached stocks on the Redis master against ${stock.size} products on the primary`, violations);
}
