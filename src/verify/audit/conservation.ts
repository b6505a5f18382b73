import type { Connection } from 'mysql2/promise';
import { queryRows } from '../../clients/mysql.js';
import { invariantResult, type InvariantResult } from './invariant.js';

/** I1: on the primary, for every product, stock + SUM(orders.quantity) = initial_stock and stock ≥ 0. */
export async function checkConservation(primary: Connection): Promise<InvariantResult> {
  const [counted] = await queryRows(primary, 'SELECT COUNT(*) AS products, COALESCE(SUM(initial_stock - stock), 0) AS sold FROM products');
  const rows = await queryRows(
    primary,
    `SELECT p.id, p.stock, p.initial_stock, COALESCE(o.sold, 0) AS sold
       FROM products p LEFT JOIN (SELECT product_id, SUM(quantity) AS sold FROM orders GROUP BY product_id) o ON o.product_id = p.id
      WHERE p.stock < 0 OR p.stock + COALESCE(o.sold, 0) <> p.initial_stock
      ORDER BY p.id`,
  );
  const violations = rows.map((r) => {
    const stock = Number(r.stock);
    const sold = Number(r.sold);
    const initialStock = Number(r.initial_stock);
    return { productId: Number(r.id), stock, initialStock, sold, difference: stock + sold - initialStock };
  });
  return invariantResult('I1', `${Number(counted?.products)} products on the primary: stock + units in orders = initial stock, stock ≥ 0`, violations);
}
