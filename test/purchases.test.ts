import { describe, expect, it } from 'vitest';
import { conservation, insertProduct, rows } from './support/databases.js';
import { countBy, newKey, order, type OrderAttempt } from './support/orders.js';
import { eventually } from './support/processes.js';
import { runningTopology } from './support/running-topology.js';
import { testTopology } from './support/topology.js';

const topo = testTopology('e2e-buy', 29100, (t) => {
  t.catalog.products = 100;
  // Long enough that only an order.created event can refresh a near-cached answer in time.
  t.app.nearCacheMs = 60_000;
});
const topology = runningTopology(topo);
const lb = `http://127.0.0.1:${topo.ports.lb}`;

/** Every 201 has its order row with its key; no 409 key has one; nothing else was answered. */
async function expectExactAnswers(attempts: OrderAttempt[], productId: number): Promise<void> {
  const orders = await rows<{ id: number; idempotency_key: string; quantity: number }>(topology.primary(), 'SELECT id, idempotency_key, quantity FROM orders WHERE product_id = ?', [productId]);
  const byKey = new Map(orders.map((o) => [o.idempotency_key, o]));
  for (const attempt of attempts) {
    if (attempt.status === 201) {
      expect(byKey.get(attempt.key)?.id, attempt.key).toBe(attempt.body.orderId);
      expect(byKey.get(attempt.key)?.quantity).toBe(attempt.quantity);
    } else {
      expect(byKey.has(attempt.key), `${attempt.key} answered ${attempt.status}`).toBe(false);
    }
  }
  expect(orders.length).toBe(attempts.filter((a) => a.status === 201).length);
}

describe.each(['seed', 'atomic', 'batched'])('strategy %s', (strategy) => {
  const base = { seed: 700_000, atomic: 710_000, batched: 720_000 }[strategy] ?? 0;

  it('a purchase through nginx says where its time went: the app\'s phases within its total, within nginx\'s', async () => {
    const productId = base + 9;
    await insertProduct(topology.primary(), productId, 5);
    const answer = await fetch(`${lb}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': newKey('timed'), 'x-purchase-strategy': strategy },
      body: JSON.stringify({ productId, quantity: 1, userId: 'timed' }),
    });
    expect(answer.status).toBe(201);
    // fetch joins the app's and nginx's Server-Timing headers with ", ".
    const spent = Object.fromEntries((answer.headers.get('server-timing') ?? '').split(', ').map((e) => [e.split(';')[0] ?? '', Number(e.split('dur=')[1])]));
    const { app = Number.NaN, 'lb-connect': connect = Number.NaN, 'lb-header': header = Number.NaN, ...phases } = spent;
    const expected = { seed: ['lock', 'redis', 'pool', 'tx'], atomic: ['redis', 'pool', 'tx'], batched: ['redis', 'batch', 'pool', 'tx'] }[strategy];
    expect(Object.keys(phases).sort()).toEqual([...(expected ?? [])].sort());
    expect(Object.values(phases).reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(app + 0.01);
    expect(connect).toBeGreaterThanOrEqual(0);
    // nginx counts whole ms on its own clock.
    expect(header + 1).toBeGreaterThanOrEqual(app);
  });

  it('2000 concurrent purchases of 1 against stock 100: exactly 100 orders, stock 0', async () => {
    const productId = base + 1;
    await insertProduct(topology.primary(), productId, 100);
    const attempts = await Promise.all(Array.from({ length: 2000 }, () => order(lb, { productId, quantity: 1 }, { strategy })));
    const { 201: sold = 0, 409: soldOut = 0, 503: refused = 0, ...other } = countBy(attempts, (a) => a.status);
    expect(other).toEqual({});
    // A buyer that waits too long is answered 503, a definite "nothing sold": `busy` when the
    // product lock (seed serializes every buyer through it) or the pool ran out of patience
    // (the lock-free strategies let buyers past the cache's gate until it sees the stock gone,
    // and on a machine whose commits are slow, sync_binlog=1 on a busy disk, those wait past the
    // pool's wait: seen here for atomic, 199 and 795 of 2000 in two runs of unchanged code), and
    // `overloaded` when it waited past its budget in the app's work queue. What must hold is below.
    const refusals = new Set(attempts.filter((a) => a.status === 503).map((a) => a.body.error));
    for (const code of refusals) expect(['busy', 'overloaded']).toContain(code);
    expect(sold + soldOut + refused).toBe(2000);
    // The stock sells out within the first second; busy answers come from the tail of the queue.
    expect(sold).toBe(100);
    expect(await conservation(topology.primary(), productId)).toEqual({ stock: 0, initialStock: 100, orders: 100, sold: 100 });
    await expectExactAnswers(attempts, productId);
    expect(new Set(attempts.filter((a) => a.status === 409).map((a) => a.body.error))).toEqual(new Set(['sold_out']));
  });

  it('concurrent retries of one key buy once and all get the same order', async () => {
    const productId = base + 2;
    await insertProduct(topology.primary(), productId, 10);
    const key = newKey(`retry-${strategy}`);
    const attempts = await Promise.all(Array.from({ length: 50 }, () => order(lb, { productId, quantity: 2 }, { strategy, key })));
    expect(countBy(attempts, (a) => a.status)).toEqual({ 201: 50 });
    expect(new Set(attempts.map((a) => a.body.orderId)).size).toBe(1);
    expect(await conservation(topology.primary(), productId)).toEqual({ stock: 8, initialStock: 10, orders: 1, sold: 2 });
    // Once sold out, the key still gets its order back, not "sold out".
    await order(lb, { productId, quantity: 8 }, { strategy });
    const again = await order(lb, { productId, quantity: 2 }, { strategy, key });
    expect(again.status).toBe(201);
    expect(again.body.orderId).toBe(attempts[0]?.body.orderId);
    const other = await order(lb, { productId, quantity: 1 }, { strategy, key });
    expect(other.status).toBe(422);
  });

  it('mixed quantities against a small stock never oversell', async () => {
    const productId = base + 3;
    await insertProduct(topology.primary(), productId, 37);
    const quantities = Array.from({ length: 300 }, (_, i) => 1 + (i % 7));
    const attempts = await Promise.all(quantities.map((quantity) => order(lb, { productId, quantity }, { strategy })));
    expect(Object.keys(countBy(attempts, (a) => a.status)).sort()).toEqual(['201', '409']);
    const state = await conservation(topology.primary(), productId);
    expect(state.stock).toBeGreaterThanOrEqual(0);
    expect(state.stock + state.sold).toBe(37);
    expect(state.sold).toBe(attempts.filter((a) => a.status === 201).reduce((sum, a) => sum + a.quantity, 0));
    // Whatever is left is smaller than every quantity that was refused.
    const smallestRefused = Math.min(...attempts.filter((a) => a.status === 409).map((a) => a.quantity));
    expect(state.stock).toBeLessThan(smallestRefused);
    await expectExactAnswers(attempts, productId);
  });
});

describe('Idempotency-Keys', () => {
  it('differ by case: k-A and k-a are two purchases', async () => {
    const productId = 730_020;
    await insertProduct(topology.primary(), productId, 5);
    const key = newKey('CaseKey');
    const upper = await order(lb, { productId, quantity: 1 }, { key: `${key}-A` });
    const lower = await order(lb, { productId, quantity: 1 }, { key: `${key}-a` });
    expect([upper.status, lower.status]).toEqual([201, 201]);
    expect(upper.body.orderId).not.toBe(lower.body.orderId);
    expect(await conservation(topology.primary(), productId)).toEqual({ stock: 3, initialStock: 5, orders: 2, sold: 2 });
  });
});

describe('the near cache of each app', () => {
  it('answers hot views from memory and shows a purchase made through the other app at once', async () => {
    const productId = 730_010;
    await insertProduct(topology.primary(), productId, 9);
    const app1 = `http://127.0.0.1:${topo.ports.app1}`;
    const app2 = `http://127.0.0.1:${topo.ports.app2}`;
    await eventually('the product on app1', async () => ((await fetch(`${app1}/products/${productId}`)).status === 200 ? true : undefined));
    const hit = await fetch(`${app1}/products/${productId}`);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(await hit.json()).toMatchObject({ stock: 9 });
    expect((await order(app2, { productId, quantity: 2 })).status).toBe(201);
    const seen = await eventually('app1 to show the new stock', async () => {
      const body = (await (await fetch(`${app1}/products/${productId}`)).json()) as { stock: number };
      return body.stock === 7 ? body : undefined;
    }, 2000);
    expect(seen).toMatchObject({ stock: 7, version: 1 });
  });
});

describe('a product inserted straight into the database', () => {
  it('is viewable and sellable at once', async () => {
    const productId = 730_001;
    await insertProduct(topology.primary(), productId, 3);
    const view = await fetch(`${lb}/products/${productId}`);
    expect(view.status).toBe(200);
    expect(await view.json()).toMatchObject({ id: productId, stock: 3 });
    const bought = await order(lb, { productId, quantity: 3 });
    expect(bought.status).toBe(201);
    const none = await order(lb, { productId, quantity: 1 });
    expect(none.status).toBe(409);
  });
});
