// The SQL of purchases, shared by the strategies. Every statement runs on the primary: in a
// strategy's transaction (the functions given its connection `c`) or on its pool.
import type { PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { isDuplicateKey, type Database } from '../database.js';
import type { RequestTiming } from '../server-timing.js';
import type { OrderRequest } from './order-request.js';
import { DuplicateOrder } from './strategy.js';

export interface StockRow {
  stock: number;
  version: number;
}

export interface StoredOrder {
  orderId: number;
  productId: number;
  quantity: number;
  userId: string;
}

interface StockPacket extends RowDataPacket {
  stock: number;
  version: number;
}

export async function readStock(c: PoolConnection, productId: number, forUpdate = false): Promise<StockRow | undefined> {
  const [rows] = await c.query<StockPacket[]>(`SELECT stock, version FROM products WHERE id = ?${forUpdate ? ' FOR UPDATE' : ''}`, [productId]);
  const row = rows[0];
  return row === undefined ? undefined : { stock: Number(row.stock), version: Number(row.version) };
}

/**
 * The conditional decrement, of one order's quantity or a batched group's total: true when the
 * row had enough stock and was changed.
 */
export async function decrementIfAvailable(c: PoolConnection, productId: number, quantity: number): Promise<boolean> {
  const [result] = await c.query<ResultSetHeader>('UPDATE products SET stock = stock - ?, version = version + 1 WHERE id = ? AND stock >= ?', [quantity, productId, quantity]);
  return result.affectedRows === 1;
}

/** The seed design's optimistic check: only if nobody changed the row since it was read. */
export async function decrementAtVersion(c: PoolConnection, productId: number, quantity: number, version: number): Promise<boolean> {
  const [result] = await c.query<ResultSetHeader>('UPDATE products SET stock = stock - ?, version = version + 1 WHERE id = ? AND version = ?', [quantity, productId, version]);
  return result.affectedRows === 1;
}

/**
 * INSERT the order; a key that already has one throws DuplicateOrder, which rolls the
 * transaction back (stock restored).
 */
export async function insertOrderOnce(c: PoolConnection, request: OrderRequest): Promise<number> {
  try {
    const [result] = await c.query<ResultSetHeader>('INSERT INTO orders (product_id, user_id, quantity, idempotency_key) VALUES (?, ?, ?, ?)', [
      request.productId,
      request.userId,
      request.quantity,
      request.idempotencyKey,
    ]);
    return result.insertId;
  } catch (error) {
    if (isDuplicateKey(error)) throw new DuplicateOrder();
    throw error;
  }
}

interface OrderPacket extends RowDataPacket {
  id: number;
  product_id: number;
  quantity: number;
  user_id: string;
  idempotency_key: string;
}

/**
 * The order an Idempotency-Key produced, read on the primary (a replica may not have it yet).
 * The share lock waits for a purchase of the same key that has inserted but not yet committed,
 * so a concurrent retry is not told "sold out" just before that order commits.
 */
export async function findOrderByKey(primary: Database, key: string, timing?: RequestTiming): Promise<StoredOrder | undefined> {
  const rows = await primary.query<OrderPacket[]>('SELECT id, product_id, quantity, user_id FROM orders WHERE idempotency_key = ? LOCK IN SHARE MODE', [key], timing);
  const row = rows[0];
  return row === undefined ? undefined : { orderId: Number(row.id), productId: Number(row.product_id), quantity: Number(row.quantity), userId: row.user_id };
}

/** Which of `keys` already have an order (inside a batch's transaction). */
export async function keysWithOrders(c: PoolConnection, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const [rows] = await c.query<OrderPacket[]>('SELECT idempotency_key FROM orders WHERE idempotency_key IN (?)', [keys]);
  return new Set(rows.map((r) => r.idempotency_key));
}
