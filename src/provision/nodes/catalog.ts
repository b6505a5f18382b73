import type { Connection } from 'mysql2/promise';
import type { Topology } from '../../topology/model.js';
import { seededRandom } from '../../seeded-random.js';
import { SHOP_DATABASE } from '../secrets.js';

export interface CatalogProduct {
  id: number;
  name: string;
  priceCents: number;
  stock: number;
}

export function generateCatalog(catalog: Topology['catalog']): CatalogProduct[] {
  const random = seededRandom(catalog.seed);
  const between = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const width = String(catalog.products).length;
  return Array.from({ length: catalog.products }, (_, i) => ({
    id: i + 1,
    name: `Product ${String(i + 1).padStart(width, '0')}`,
    priceCents: between(catalog.priceCents.min, catalog.priceCents.max),
    stock: between(catalog.stock.min, catalog.stock.max),
  }));
}

const BATCH = 2000;

/** Inserts the catalog on the primary in multi-row batches inside one transaction. */
export async function seedCatalog(connection: Connection, catalog: Topology['catalog']): Promise<number> {
  const products = generateCatalog(catalog);
  await connection.beginTransaction();
  try {
    for (let i = 0; i < products.length; i += BATCH) {
      const rows = products.slice(i, i + BATCH).map((p) => [p.id, p.name, p.priceCents, p.stock, p.stock]);
      await connection.query(`INSERT INTO ${SHOP_DATABASE}.products (id, name, price_cents, stock, initial_stock) VALUES ?`, [rows]);
    }
    await connection.commit();
  } catch (error) {
    // A broken connection cannot roll back either; the insert's error is the one to report.
    await connection.rollback().catch(() => undefined);
    throw error;
  }
  return products.length;
}
