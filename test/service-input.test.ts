import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import type { Connection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopctl } from './support/cli.js';
import { adminConnection, conservation, insertProduct } from './support/databases.js';
import { newKey } from './support/orders.js';
import { testTopology } from './support/topology.js';

const topo = testTopology('e2e-input', 29200, (t) => {
  t.catalog.products = 50;
});
const run = (...args: string[]) => shopctl(topo.home, [...args, '-t', topo.file]);
const lb = `http://127.0.0.1:${topo.ports.lb}`;
const app = `http://127.0.0.1:${topo.ports.app1}`;
const PRODUCT = 740_001;
let primary: Connection;

beforeAll(async () => {
  const up = await run('up');
  expect(up.code, up.stderr).toBe(0);
  primary = await adminConnection(topo, 'mysql-primary');
  await insertProduct(primary, PRODUCT, 1000);
});

afterAll(async () => {
  await primary?.end();
  await run('down', '--purge');
  rmSync(topo.home, { recursive: true, force: true });
});

interface Case {
  what: string;
  body: string;
  headers?: Record<string, string>;
  status: number;
  error: string;
}

const json = (value: unknown) => JSON.stringify(value);
const valid = { productId: PRODUCT, quantity: 1, userId: 'u1' };

const CASES: Case[] = [
  { what: 'malformed JSON', body: '{"productId": 1,', status: 400, error: 'malformed_json' },
  { what: 'a JSON array', body: '[1,2]', status: 400, error: 'invalid_request' },
  { what: 'JSON null', body: 'null', status: 400, error: 'invalid_request' },
  { what: 'wrong content type', body: json(valid), headers: { 'content-type': 'text/plain' }, status: 415, error: 'unsupported_media_type' },
  { what: 'form content type', body: 'productId=1', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, error: 'unsupported_media_type' },
  { what: 'missing productId', body: json({ quantity: 1, userId: 'u' }), status: 400, error: 'invalid_request' },
  { what: 'missing quantity', body: json({ productId: PRODUCT, userId: 'u' }), status: 400, error: 'invalid_request' },
  { what: 'missing userId', body: json({ productId: PRODUCT, quantity: 1 }), status: 400, error: 'invalid_request' },
  { what: 'an extra field', body: json({ ...valid, price: 0 }), status: 400, error: 'invalid_request' },
  { what: 'quantity 0', body: json({ ...valid, quantity: 0 }), status: 400, error: 'invalid_request' },
  { what: 'negative quantity', body: json({ ...valid, quantity: -5 }), status: 400, error: 'invalid_request' },
  { what: 'fractional quantity', body: json({ ...valid, quantity: 1.5 }), status: 400, error: 'invalid_request' },
  { what: 'quantity as a string', body: json({ ...valid, quantity: '1' }), status: 400, error: 'invalid_request' },
  { what: 'absurdly large quantity', body: json({ ...valid, quantity: 1e300 }), status: 400, error: 'invalid_request' },
  { what: 'quantity over the per-order limit', body: json({ ...valid, quantity: 101 }), status: 400, error: 'invalid_request' },
  { what: 'productId 0', body: json({ ...valid, productId: 0 }), status: 400, error: 'invalid_request' },
  { what: 'negative productId', body: json({ ...valid, productId: -1 }), status: 400, error: 'invalid_request' },
  { what: 'productId as a string', body: json({ ...valid, productId: String(PRODUCT) }), status: 400, error: 'invalid_request' },
  { what: 'SQL in productId', body: json({ ...valid, productId: '1; DROP TABLE orders' }), status: 400, error: 'invalid_request' },
  { what: 'unsafe-integer productId', body: '{"productId": 9007199254740993, "quantity": 1, "userId": "u"}', status: 400, error: 'invalid_request' },
  { what: 'SQL in userId', body: json({ ...valid, userId: "x'); DELETE FROM orders; --" }), status: 400, error: 'invalid_request' },
  { what: 'an unknown product', body: json({ ...valid, productId: 999_999_999 }), status: 404, error: 'product_not_found' },
  { what: 'no Idempotency-Key', body: json(valid), headers: { 'idempotency-key': '' }, status: 400, error: 'invalid_idempotency_key' },
  { what: 'an oversized Idempotency-Key', body: json(valid), headers: { 'idempotency-key': 'k'.repeat(129) }, status: 400, error: 'invalid_idempotency_key' },
  { what: 'an Idempotency-Key with spaces', body: json(valid), headers: { 'idempotency-key': 'a key' }, status: 400, error: 'invalid_idempotency_key' },
  { what: 'an unknown strategy', body: json(valid), headers: { 'x-purchase-strategy': 'yolo' }, status: 400, error: 'invalid_request' },
];

async function post(base: string, c: Case): Promise<{ status: number; body: { error?: string; message?: string } }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': newKey('bad'), ...c.headers };
  if (headers['idempotency-key'] === '') delete headers['idempotency-key'];
  const response = await fetch(`${base}/orders`, { method: 'POST', headers, body: c.body });
  expect(response.headers.get('content-type')).toContain('application/json');
  return { status: response.status, body: (await response.json()) as { error?: string; message?: string } };
}

describe.each([
  ['the app', app],
  ['the load balancer', lb],
])('bad orders sent to %s get a 4xx JSON error and sell nothing', (_where, base) => {
  it.each(CASES)('$what', async (c) => {
    const before = await conservation(primary, PRODUCT);
    const answer = await post(base, c);
    expect(answer.status).toBe(c.status);
    expect(answer.body.error).toBe(c.error);
    expect(answer.body.message).toEqual(expect.any(String));
    expect(await conservation(primary, PRODUCT)).toEqual(before);
  });
});

describe('bodies too large', () => {
  it('the app refuses more than 16 KiB with 413 JSON', async () => {
    const answer = await post(app, { what: '', body: json({ ...valid, userId: 'u'.repeat(20_000) }), status: 413, error: '' });
    expect(answer).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
  });

  it('nginx refuses it before the app, with the same JSON shape', async () => {
    const answer = await post(lb, { what: '', body: 'x'.repeat(64 * 1024), status: 413, error: '' });
    expect(answer).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
  });

  it('a body longer than its Content-Length claims is cut off, and nothing is sold', async () => {
    const before = await conservation(primary, PRODUCT);
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
    expect(await conservation(primary, PRODUCT)).toEqual(before);
  });
});

describe('views with bad ids', () => {
  it.each(['0', '-1', 'abc', '1.5', "1'%20OR%20'1'='1", '99999999999999999999'])('/products/%s is 400 JSON', async (id) => {
    const response = await fetch(`${lb}/products/${id}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_product_id' });
  });

  it('an unknown route is 404 JSON and a wrong method 405 JSON', async () => {
    const unknown = await fetch(`${lb}/nope`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'not_found' });
    const wrong = await fetch(`${lb}/orders`);
    expect(wrong.status).toBe(405);
    expect(await wrong.json()).toMatchObject({ error: 'method_not_allowed' });
  });
});
