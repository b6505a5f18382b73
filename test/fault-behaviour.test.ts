import { describe, expect, it } from 'vitest';
import { FIRST_WORDS, probe } from './support/probe.js';
import { order } from './support/orders.js';
import { eventually } from './support/processes.js';
import { runningTopology } from './support/running-topology.js';
import { testTopology } from './support/topology.js';

/**
 * What the service does while one node is down (issue #13), each behaviour through the load
 * balancer as a client meets it, the node killed with `shopctl fault kill` and started again
 * with `fault restart`.
 */
const topo = testTopology('e2e-fault-behave', 27500, (t) => {
  t.catalog.products = 300;
  // Views must reach Redis and the databases, not the app's own near cache.
  t.app.nearCacheMs = 0;
});
const { run } = runningTopology(topo);
const lb = `http://127.0.0.1:${topo.ports.lb}`;

async function view(id: number): Promise<{ status: number; cache: string | null; retryAfter: string | null }> {
  const response = await fetch(`${lb}/products/${id}`, { signal: AbortSignal.timeout(15_000) });
  await response.body?.cancel();
  return { status: response.status, cache: response.headers.get('x-cache'), retryAfter: response.headers.get('retry-after') };
}

async function withNodeDown(node: string, check: () => Promise<void>): Promise<void> {
  const kill = await run('fault', 'kill', node);
  expect(kill.code, kill.stderr).toBe(0);
  try {
    await check();
  } finally {
    const restart = await run('fault', 'restart', node);
    expect(restart.code, restart.stderr).toBe(0);
    await eventually('every node healthy again', async () => ((await run('status')).code === 0 ? true : undefined), 60_000);
  }
}

describe('the service with a node down', () => {
  it('Redis master killed: seed cannot lock (503); atomic and batched keep selling through the database', async () => {
    await withNodeDown('redis-master', async () => {
      const seed = await order(lb, { productId: 11, quantity: 1 }, { strategy: 'seed' });
      expect(seed.status).toBe(503);
      expect(seed.body.error).toBe('unavailable');
      for (const strategy of ['atomic', 'batched']) {
        const bought = await order(lb, { productId: 12, quantity: 1 }, { strategy });
        expect(bought.status, JSON.stringify(bought.body)).toBe(201);
        // The same key again: the same order, nothing sold twice.
        const again = await order(lb, { productId: 12, quantity: 1 }, { strategy, key: bought.key });
        expect(again.body.orderId).toBe(bought.body.orderId);
      }
      // Views go to the replica past the missing cache.
      expect((await view(13)).status).toBe(200);
    });
  });

  it('primary killed: purchases 503 with Retry-After until it is back; views keep being served', async () => {
    expect((await view(21)).status).toBe(200);
    await withNodeDown('mysql-primary', async () => {
      for (const strategy of ['seed', 'atomic', 'batched']) {
        const refused = await order(lb, { productId: 22, quantity: 1 }, { strategy });
        expect(refused.status, JSON.stringify(refused.body)).toBe(503);
      }
      const response = await fetch(`${lb}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `retry-after-${Date.now()}` },
        body: JSON.stringify({ productId: 23, quantity: 1, userId: 'u' }),
      });
      await response.body?.cancel();
      expect(response.status).toBe(503);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      // A cached view and one read from the replica.
      expect((await view(21)).status).toBe(200);
      expect(await view(24)).toMatchObject({ status: 200, cache: 'MISS' });
    });
    // Back: purchases sell again.
    expect((await order(lb, { productId: 22, quantity: 1 }, { strategy: 'atomic' })).status).toBe(201);
  });

  it('replica killed: views missing the cache are read from the primary', async () => {
    await withNodeDown('mysql-replica', async () => {
      expect(await view(31)).toMatchObject({ status: 200, cache: 'MISS' });
      expect(await view(31)).toMatchObject({ status: 200, cache: 'HIT' });
      expect((await order(lb, { productId: 32, quantity: 1 }, { strategy: 'atomic' })).status).toBe(201);
    });
  });

  it('one app killed: nginx sends every request to the other', async () => {
    await withNodeDown('app1', async () => {
      for (let i = 0; i < 6; i++) {
        const response = await fetch(`${lb}/products/${40 + i}`);
        expect(response.headers.get('x-served-by')).toBe('app2');
        await response.body?.cancel();
        const bought = await order(lb, { productId: 50 + i, quantity: 1 }, { strategy: 'atomic' });
        expect(bought.status).toBe(201);
      }
    });
  });

  it('the load balancer killed: everything fails, the design’s single entry point shown as it is', async () => {
    await withNodeDown('lb', async () => {
      expect(await probe(topo.ports.lb as number, FIRST_WORDS.http)).toBe('refused');
      // The apps themselves still serve: only the way in is gone.
      expect(await probe(topo.ports.app1 as number, FIRST_WORDS.http)).toBe('answered');
    });
  });
});
