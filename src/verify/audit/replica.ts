import type { Connection } from 'mysql2/promise';
import { queryRows, type Row } from '../../clients/mysql.js';
import type { CatchUp } from './replication-wait.js';
import { invariantResult, type InvariantResult } from './invariant.js';

const PRODUCTS = 'SELECT id, name, price_cents, stock, initial_stock, version FROM products';
/** Per product, the count, units and a hash of its orders: equal on both sides, or that product's orders differ. */
const ORDER_DIGESTS = `SELECT product_id, COUNT(*) AS orders, SUM(quantity) AS units,
  BIT_XOR(CRC32(CONCAT_WS('|', id, idempotency_key, quantity, user_id))) AS digest FROM orders GROUP BY product_id`;

/** I6: once caught up, the replica's products and orders equal the primary's, product by product. */
export async function checkReplica(primary: Connection, replica: Connection, catchUp: CatchUp): Promise<InvariantResult> {
  const violations: Record<string, unknown>[] = [];
  if (!catchUp.caughtUp) {
    violations.push({ kind: 'lag', detail: `not caught up after ${catchUp.waitedMs} ms`, primaryPosition: catchUp.primaryPosition, replicaPosition: catchUp.replicaPosition });
  }
  const [primaryProducts, replicaProducts, primaryOrders, replicaOrders] = await Promise.all([
    byKey(primary, PRODUCTS, 'id'),
    byKey(replica, PRODUCTS, 'id'),
    byKey(primary, ORDER_DIGESTS, 'product_id'),
    byKey(replica, ORDER_DIGESTS, 'product_id'),
  ]);
  for (const productId of union(primaryProducts, replicaProducts)) {
    const differs = differences(primaryProducts.get(productId), replicaProducts.get(productId));
    if (differs !== null) violations.push({ kind: 'product', productId, ...differs });
  }
  for (const productId of union(primaryOrders, replicaOrders)) {
    const differs = differences(primaryOrders.get(productId), replicaOrders.get(productId));
    if (differs !== null) violations.push({ kind: 'orders', productId, ...differs });
  }
  const checked = `${primaryProducts.size} products and the orders of ${primaryOrders.size} products compared with the replica (caught up in ${catchUp.waitedMs} ms: ${catchUp.caughtUp ? 'yes' : 'no'})`;
  return invariantResult('I6', checked, violations);
}

async function byKey(connection: Connection, sql: string, key: string): Promise<Map<number, Row>> {
  const rows = await queryRows(connection, sql);
  return new Map(rows.map((row) => [Number(row[key]), row]));
}

function union(a: Map<number, Row>, b: Map<number, Row>): number[] {
  return [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
}

/** The fields that differ, as {primary, replica}; null when the rows are equal. */
function differences(primary: Row | undefined, replica: Row | undefined): Record<string, unknown> | null {
  if (primary === undefined || replica === undefined) return { primary: primary ?? 'missing', replica: replica ?? 'missing' };
  const fields = Object.keys(primary).filter((f) => String(primary[f]) !== String(replica[f]));
  if (fields.length === 0) return null;
  return { fields, primary: pick(primary, fields), replica: pick(replica, fields) };
}

const pick = (row: Row, fields: string[]) => Object.fromEntries(fields.map((f) => [f, row[f]]));
