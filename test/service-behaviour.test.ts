import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { Database } from '../src/service/database.js';
import { createMetrics } from '../src/service/metrics.js';
import { WAITS } from '../src/service/waits.js';
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopctl } from './support/cli.js';
import { adminConnection, conservation, insertProduct, redisPassword, rows } from './support/databases.js';
import { metric } from './support/metrics.js';
import { countBy, order } from './support/orders.js';
import { eventually, pidOf as pidOfNode } from './support/processes.js';
import { testTopology } from './support/topology.js';

const topo = testTopology('e2e-behave', 29300, (t) => {
  t.catalog.products = 50;
  // These tests look at the Redis cache itself: no near cache in front of it.
  t.app.nearCacheMs = 0;
});
const run = (...args: string[]) => shopctl(topo.home, [...args, '-t', topo.file]);
const lb = `http://127.0.0.1:${topo.ports.lb}`;
const app1 = `http://127.0.0.1:${topo.ports.app1}`;
const app2 = `http://127.0.0.1:${topo.ports.app2}`;
let primary: Connection;
let redis: Redis;

const pidOf = (node: string) => pidOfNode(topo, node);

async function restore(): Promise<void> {
  const up = await run('up');
  expect(up.code, up.stderr).toBe(0);
}

beforeAll(async () => {
  await restore();
  primary = await adminConnection(topo, 'mysql-primary');
  redis = new Redis({ port: topo.ports['redis-master'], password: redisPassword(topo), lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  await redis.connect();
});

afterAll(async () => {
  redis?.disconnect();
  await primary?.end();
  await run('down', '--purge');
  rmSync(topo.home, { recursive: true, force: true });
});

describe('views', () => {
  it('miss, then fill with a TTL, then hit', async () => {
    const productId = 750_001;
    await insertProduct(primary, productId, 42);
    await eventually('the row on the replica', async () => ((await fetch(`${app1}/products/${productId}`)).status === 200 ? true : undefined));
    await redis.del(`product:${productId}`, `stock:${productId}`);
    const miss = await fetch(`${app1}/products/${productId}`);
    expect(miss.headers.get('x-cache')).toBe('MISS');
    expect(await miss.json()).toEqual({ id: productId, name: `test product ${productId}`, priceCents: 100, stock: 42, version: 0 });
    for (const key of [`product:${productId}`, `stock:${productId}`]) {
      const ttl = await redis.ttl(key);
      expect(ttl, key).toBeGreaterThan(250);
      expect(ttl, key).toBeLessThanOrEqual(300);
    }
    const hit = await fetch(`${app2}/products/${productId}`);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(await hit.json()).toMatchObject({ stock: 42 });
  });

  it('a purchase moves the cached stock with the database, and an expired entry is a miss again', async () => {
    const productId = 750_002;
    await insertProduct(primary, productId, 10);
    expect((await order(lb, { productId, quantity: 4 })).status).toBe(201);
    const view = await fetch(`${app1}/products/${productId}`);
    expect(await view.json()).toMatchObject({ stock: 6, version: 1 });
    expect(await redis.get(`stock:${productId}`)).toBe('6:1');
    await redis.expire(`product:${productId}`, 0);
    expect((await fetch(`${app1}/products/${productId}`)).headers.get('x-cache')).toBe('MISS');
  });

  it('a stampede on an uncached product reads the database once per app', async () => {
    const productId = 750_003;
    await insertProduct(primary, productId, 5);
    const replica = await adminConnection(topo, 'mysql-replica');
    try {
      await eventually('the row on the replica', async () => {
        const [row] = await rows<{ n: number }>(replica, 'SELECT COUNT(*) AS n FROM products WHERE id = ?', [productId]);
        return Number(row?.n) === 1 ? true : undefined;
      });
    } finally {
      await replica.end();
    }
    await redis.del(`product:${productId}`, `stock:${productId}`);
    const before = await metric(app1, 'shop_view_loads_total{database="replica"}');
    const answers = await Promise.all(Array.from({ length: 300 }, () => fetch(`${app1}/products/${productId}`).then((r) => r.status)));
    expect(countBy(answers, (s) => s)).toEqual({ 200: 300 });
    const loads = (await metric(app1, 'shop_view_loads_total{database="replica"}')) - before;
    expect(loads).toBeGreaterThanOrEqual(1);
    expect(loads).toBeLessThanOrEqual(2);
  });

  it('every app hears order.created and counts it', async () => {
    const productId = 750_004;
    await insertProduct(primary, productId, 5);
    const before = await Promise.all([metric(app1, 'shop_events_received_total'), metric(app2, 'shop_events_received_total')]);
    expect((await order(lb, { productId, quantity: 1 })).status).toBe(201);
    await eventually('both apps to count the event', async () => {
      const now = await Promise.all([metric(app1, 'shop_events_received_total'), metric(app2, 'shop_events_received_total')]);
      return now[0] === (before[0] ?? 0) + 1 && now[1] === (before[1] ?? 0) + 1 ? true : undefined;
    }, 5000);
    const text = await (await fetch(`${app1}/metrics`)).text();
    for (const family of ['shop_http_request_duration_seconds_bucket', 'shop_cache_requests_total', 'shop_purchases_total', 'shop_db_pool_connections_in_use', 'shop_events_published_total']) {
      expect(text).toContain(family);
    }
  });
});

describe('dependency failures', () => {
  it.each(['atomic', 'batched', 'seed'])('%s: Redis killed in the middle of a purchase storm never oversells', async (strategy) => {
    const productId = { atomic: 760_001, batched: 760_002, seed: 760_003 }[strategy] ?? 0;
    await insertProduct(primary, productId, 150);
    const storm = Promise.all(Array.from({ length: 600 }, () => order(lb, { productId, quantity: 1 }, { strategy })));
    await new Promise((r) => setTimeout(r, 150));
    process.kill(pidOf('redis-master'), 'SIGKILL');
    try {
      const attempts = await storm;
      const statuses = countBy(attempts, (a) => a.status);
      expect(Object.keys(statuses).every((s) => ['201', '409', '503'].includes(s)), JSON.stringify(statuses)).toBe(true);
      const state = await conservation(primary, productId);
      expect(state.stock).toBeGreaterThanOrEqual(0);
      expect(state.stock + state.sold).toBe(150);
      expect(state.orders).toBe(attempts.filter((a) => a.status === 201).length);
      const afterKill = await order(lb, { productId, quantity: 1 }, { strategy });
      if (strategy === 'seed') {
        // The seed design cannot lock without Redis.
        expect(afterKill.status).toBe(503);
        expect(afterKill.body.error).toBe('unavailable');
      } else {
        // The database alone decides while Redis is down: selling goes on.
        expect([201, 409]).toContain(afterKill.status);
      }
    } finally {
      await restore();
    }
  });

  it('the primary down: purchases answer 503 with Retry-After, cached views still answer', async () => {
    const productId = 760_010;
    await insertProduct(primary, productId, 5);
    // Both apps must see it cached before the primary goes.
    await eventually('the product cached', async () => {
      const answers = await Promise.all([app1, app2].map((base) => fetch(`${base}/products/${productId}`).then((r) => r.headers.get('x-cache'))));
      return answers.every((a) => a === 'HIT') ? true : undefined;
    });
    process.kill(pidOf('mysql-primary'), 'SIGKILL');
    try {
      await expectPurchasesRefusedViewsServed(productId);
    } finally {
      await restore();
      await primary.end().catch(() => undefined);
      primary = await adminConnection(topo, 'mysql-primary');
    }
    expect((await order(lb, { productId, quantity: 1 })).status).toBe(201);
  });

  async function expectPurchasesRefusedViewsServed(productId: number): Promise<void> {
    const response = await fetch(`${lb}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `primary-down-${Date.now()}`, 'x-purchase-strategy': 'atomic' },
      body: JSON.stringify({ productId, quantity: 1, userId: 'u' }),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ error: 'unavailable' });
    const view = await fetch(`${lb}/products/${productId}`);
    expect(view.status).toBe(200);
    expect(view.headers.get('x-cache')).toBe('HIT');
  }

  it('the replica down: a view that misses the cache is read from the primary', async () => {
    const productId = 760_020;
    await insertProduct(primary, productId, 5);
    process.kill(pidOf('mysql-replica'), 'SIGKILL');
    try {
      const before = await metric(app1, 'shop_view_loads_total{database="primary"}');
      const view = await fetch(`${app1}/products/${productId}`);
      expect(view.status).toBe(200);
      expect(await view.json()).toMatchObject({ id: productId, stock: 5 });
      expect(await metric(app1, 'shop_view_loads_total{database="primary"}')).toBe(before + 1);
    } finally {
      await restore();
    }
  });
});

describe('bounded waits', () => {
  it.each(['atomic', 'batched', 'seed'])('%s: a row held locked elsewhere answers 503 busy within seconds, then sells again', async (strategy) => {
    const productId = { atomic: 770_001, batched: 770_002, seed: 770_003 }[strategy] ?? 0;
    await insertProduct(primary, productId, 50);
    const holder = await adminConnection(topo, 'mysql-primary');
    try {
      await holder.beginTransaction();
      await holder.query('SELECT stock FROM products WHERE id = ? FOR UPDATE', [productId]);
      const started = performance.now();
      const attempts = await Promise.all(Array.from({ length: 8 }, () => order(lb, { productId, quantity: 1 }, { strategy })));
      const waited = performance.now() - started;
      expect(countBy(attempts, (a) => a.status)).toEqual({ 503: 8 });
      expect(new Set(attempts.map((a) => a.body.error))).toEqual(new Set(['busy']));
      expect(waited).toBeLessThan(15_000);
    } finally {
      await holder.rollback();
      await holder.end();
    }
    expect((await order(lb, { productId, quantity: 1 }, { strategy })).status).toBe(201);
    expect(await conservation(primary, productId)).toEqual({ stock: 49, initialStock: 50, orders: 1, sold: 1 });
  });
});

describe('connection budget', () => {
  it('a request that finds no free connection waits at most the pool wait, then gets 503 busy', async () => {
    const config = JSON.parse(readFileSync(join(topo.home, topo.name, 'app1', 'service.json'), 'utf8')) as { mysql: { primary: { host: string; port: number; user: string; password: string; database: string } } };
    const pool = mysql.createPool({ ...config.mysql.primary, connectionLimit: 1 });
    const database = new Database('primary', pool, createMetrics());
    try {
      // Held past the pool wait, within the use deadline.
      const holder = database.query(`SELECT SLEEP(${(WAITS.poolWaitMs + WAITS.databaseUseMs) / 2000})`);
      const started = performance.now();
      const waiting = database.query('SELECT 1');
      await expect(waiting).rejects.toMatchObject({ code: 'busy', status: 503, retryAfterSeconds: 1 });
      const waited = performance.now() - started;
      expect(waited).toBeGreaterThanOrEqual(WAITS.poolWaitMs - 100);
      expect(waited).toBeLessThan(WAITS.poolWaitMs + 900);
      await holder;
      // The connection the timed-out request would have got went back to the pool.
      await expect(database.query('SELECT 1')).resolves.toBeDefined();
    } finally {
      await database.close();
    }
  });
});
