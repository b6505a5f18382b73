import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import type { TestTopology } from './topology.js';

/** The admin account of a test topology's database node, as `shopctl shell` logs in. */
export function adminConnection(topo: TestTopology, node: 'mysql-primary' | 'mysql-replica'): Promise<Connection> {
  const secrets = JSON.parse(readFileSync(join(topo.home, topo.name, 'secrets.json'), 'utf8')) as { mysqlAdminPassword: string };
  return mysql.createConnection({ host: '127.0.0.1', port: topo.ports[node], user: 'shopctl_admin', password: secrets.mysqlAdminPassword, database: 'shop' });
}

export function redisPassword(topo: TestTopology): string {
  return (JSON.parse(readFileSync(join(topo.home, topo.name, 'secrets.json'), 'utf8')) as { redisPassword: string }).redisPassword;
}

export async function rows<T>(c: Connection, sql: string, values: unknown[] = []): Promise<T[]> {
  const [result] = await c.query<RowDataPacket[]>(sql, values);
  return result as T[];
}

/** Inserts a product straight into the primary, as a catalog import would. */
export async function insertProduct(c: Connection, id: number, stock: number): Promise<void> {
  await c.query('INSERT INTO products (id, name, price_cents, stock, initial_stock) VALUES (?, ?, 100, ?, ?)', [id, `test product ${id}`, stock, stock]);
}

export interface Conservation {
  stock: number;
  initialStock: number;
  orders: number;
  sold: number;
}

export async function conservation(c: Connection, productId: number): Promise<Conservation> {
  const [product] = await rows<{ stock: number; initial_stock: number }>(c, 'SELECT stock, initial_stock FROM products WHERE id = ?', [productId]);
  const [orders] = await rows<{ n: number; sold: string | null }>(c, 'SELECT COUNT(*) AS n, SUM(quantity) AS sold FROM orders WHERE product_id = ?', [productId]);
  return { stock: Number(product?.stock), initialStock: Number(product?.initial_stock), orders: Number(orders?.n), sold: Number(orders?.sold ?? 0) };
}
