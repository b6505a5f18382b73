import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { badOrders, type BadOrder } from './support/bad-orders.js';
import { conservation, insertProduct } from './support/databases.js';
import { newKey } from './support/orders.js';
import { runningTopology } from './support/running-topology.js';
import { testTopology } from './support/topology.js';

const topo = testTopology('e2e-input', 29200, (t) => {
  t.catalog.products = 50;
});
const topology = runningTopology(topo);
const lb = `http://127.0.0.1:${topo.ports.lb}`;
const app = `http://127.0.0.1:${topo.ports.app1}`;
const PRODUCT = 740_001;
const primary = () => topology.primary();

beforeAll(async () => {
  await insertProduct(primary(), PRODUCT, 1000);
});

const json = (value: unknown) => JSON.stringify(value);
const valid = { productId: PRODUCT, quantity: 1, userId: 'u1' };

/**
 * The service's own input checks are unit tests (src/service/routes.test.ts). Here: an unknown
 * product, which only the primary can say, and the app's JSON errors passing through nginx
 * unchanged (its own error pages answer only what nginx itself refuses).
 */
const UNKNOWN_PRODUCT: BadOrder = { what: 'an unknown product', body: json({ ...valid, productId: 999_999_999 }), status: 404, error: 'product_not_found' };
const THROUGH_NGINX: BadOrder[] = [...['malformed JSON', 'wrong content type', 'no Idempotency-Key'].map(badOrder), UNKNOWN_PRODUCT];

function badOrder(what: string): BadOrder {
  const found = badOrders(PRODUCT).find((c) => c.what === what);
  if (found === undefined) throw new Error(`no bad order "${what}" in src/service/bad-orders.test-support.ts`);
  return found;
}

async function post(base: string, c: BadOrder): Promise<{ status: number; body: { error?: string; message?: string } }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': newKey('bad'), ...c.headers };
  if (headers['idempotency-key'] === '') delete headers['idempotency-key'];
  const response = await fetch(`${base}/orders`, { method: 'POST', headers, body: c.body });
  expect(response.headers.get('content-type')).toContain('application/json');
  return { status: response.status, body: (await response.json()) as { error?: string; message?: string } };
}

describe.each([
  ['the app', app, [UNKNOWN_PRODUCT]],
  ['the load balancer', lb, THROUGH_NGINX],
] as const)('bad orders sent to %s get a 4xx JSON error and sell nothing', (_where, base, cases) => {
  it.each(cases)('$what', async (c) => {
    const before = await conservation(primary(), PRODUCT);
    const answer = await post(base, c);
    expect(answer.status).toBe(c.status);
    expect(answer.body.error).toBe(c.error);
    expect(answer.body.message).toEqual(expect.any(String));
    expect(await conservation(primary(), PRODUCT)).toEqual(before);
  });
});

describe('bodies too large', () => {
  it("nginx refuses a body over its limit before the app, with the app's JSON shape", async () => {
    const answer = await post(lb, { what: '', body: 'x'.repeat(64 * 1024), status: 413, error: '' });
    expect(answer).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
  });

  it('a body longer than its Content-Length claims is cut off, and nothing is sold', async () => {
    const before = await conservation(primary(), PRODUCT);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: topo.ports.app1 ?? 0 }, () => {
        const body = json(valid);
        socket.end(`POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIdempotency-Key: ${newKey('cl')}\r\nContent-Length: 5\r\n\r\n${body}`);
      });
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.once('close', () => resolve(text));
      socket.once('error', reject);
    });
    // The first request's body is not JSON; the rest is not HTTP: both are JSON 400s.
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/"error":"(malformed_json|bad_request)"/);
    expect(answer).not.toMatch(/^HTTP\/1\.1 201/m);
    expect(await conservation(primary(), PRODUCT)).toEqual(before);
  });
});
