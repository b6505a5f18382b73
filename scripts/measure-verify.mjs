#!/usr/bin/env node
// How long `shopctl verify` takes on a big run: a real smoke bench, its ledger grown by
// synthetic purchases (default 1 000 000 entries: 60 % acknowledged, 30 % refused, 10 % unknown
// of which half committed) whose orders and stock changes are written to the primary as the
// service would have, then `verify` timed. Goal (issue #5): under 10 s for a million entries.
// Usage: node scripts/measure-verify.mjs [--entries 1000000]
// Needs a build (npm run build). Stands up its own topology on ports 19400-19406 under a
// temporary SHOPCTL_HOME and removes it at the end.
import { appendFileSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mysql from 'mysql2/promise';
import { ownTopology, ROOT } from './lib/own-topology.mjs';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '1000000' } } });
const ENTRIES = Number(values.entries);
const own = ownTopology('measure-verify', 19400);
const { home, topology, shopctl } = own;

try {
  if (shopctl('up').status !== 0) throw new Error('shopctl up failed');
  const reports = join(home, 'reports');
  const bench = shopctl('bench', '-s', 'smoke', '--duration', '2s', '--warmup', '1s', '--out', reports);
  if (bench.status !== 0) throw new Error(`bench failed:\n${bench.stderr}`);
  const dir = join(reports, readlinkSync(join(reports, 'latest')));
  const runId = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).runId;
  const secrets = JSON.parse(readFileSync(join(home, topology.name, 'secrets.json'), 'utf8'));
  const db = await mysql.createConnection({ host: '127.0.0.1', port: topology.nodes['mysql-primary'].port, user: 'shopctl_admin', password: secrets.mysqlAdminPassword, database: 'shop' });

  const started = Date.now();
  let random = 42;
  const next = () => ((random = (Math.imul(random, 1103515245) + 12345) >>> 0) / 2 ** 32);
  let lines = [];
  let rows = [];
  let orderId = 10_000_000;
  const sold = new Map();
  const [stockRows] = await db.query('SELECT id, stock FROM products');
  const stock = new Map(stockRows.map((r) => [Number(r.id), Number(r.stock)]));
  for (let n = 1; n <= ENTRIES; n++) {
    const key = `${runId}-9-${n}`;
    const productId = 1 + Math.floor(next() * topology.catalog.products);
    const roll = next();
    // A product without stock left answers 409, as the service would.
    const outcome = (stock.get(productId) ?? 0) < 1 || (roll >= 0.6 && roll < 0.9) ? 'failed' : roll < 0.6 ? 'acknowledged' : 'unknown';
    const committed = outcome === 'acknowledged' || (outcome === 'unknown' && n % 2 === 0);
    const id = committed ? ++orderId : null;
    lines.push(JSON.stringify({ key, productId, quantity: 1, outcome, orderId: outcome === 'acknowledged' ? id : null, status: { acknowledged: 201, failed: 409, unknown: null }[outcome] }));
    if (committed) {
      rows.push([id, productId, 'synthetic', 1, key]);
      sold.set(productId, (sold.get(productId) ?? 0) + 1);
      stock.set(productId, (stock.get(productId) ?? 0) - 1);
    }
    if (rows.length === 5000 || n === ENTRIES) {
      if (rows.length > 0) await db.query('INSERT INTO orders (id, product_id, user_id, quantity, idempotency_key) VALUES ?', [rows]);
      rows = [];
      appendFileSync(join(dir, 'ledger.ndjson'), `${lines.join('\n')}\n`);
      lines = [];
    }
  }
  // The stock the synthetic orders sold, product by product, as the purchases would have left it.
  const products = [...sold];
  for (let i = 0; i < products.length; i += 500) {
    const chunk = products.slice(i, i + 500);
    const cases = chunk.map(([id, units]) => `WHEN ${id} THEN ${units}`).join(' ');
    await db.query(`UPDATE products SET stock = stock - CASE id ${cases} END, version = version + 1 WHERE id IN (${chunk.map(([id]) => id).join(',')})`);
  }
  await db.end();
  // The cached stocks of the smoke run are now older than the database: drop them, as TTLs would.
  shopctl('shell', 'redis-master', '-e', 'FLUSHALL');
  console.log(`synthesized ${ENTRIES} ledger entries and their orders in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  for (let round = 1; round <= 2; round++) {
    const t0 = Date.now();
    const verify = shopctl('verify', '--report', dir, '--json');
    const seconds = (Date.now() - t0) / 1000;
    const result = JSON.parse(verify.stdout);
    const broken = result.audit.invariants.filter((i) => !i.ok).map((i) => i.id);
    console.log(`verify round ${round}: ${seconds.toFixed(2)} s wall (its own measure ${(result.durationMs / 1000).toFixed(2)} s), exit ${verify.status}, ledger ${result.audit.ledger.entries} entries, ${result.audit.ordersAudited} orders audited, replica caught up in ${result.audit.replication.waitedMs} ms, invariants broken: ${broken.length ? broken.join(' ') : 'none'}`);
  }
} finally {
  own.remove();
}
