import { describe, expect, it } from 'vitest';
import { badOrders, type BadOrder } from '../../test/support/bad-orders.js';
import { ServiceError } from './errors.js';
import { inProcessService, type InProcessService } from '../../test/support/in-process-service.js';
import { parseProductId } from './routes.js';
import { PURCHASE_QUEUE_BUDGET_MS, VIEW_QUEUE_BUDGET_MS } from './waits.js';

describe('parseProductId', () => {
  it('accepts positive integers', () => {
    expect(parseProductId('1')).toBe(1);
    expect(parseProductId('10000')).toBe(10_000);
    expect(parseProductId('999999999999999')).toBe(999_999_999_999_999);
  });

  it.each(['0', '-1', '1.5', '01', 'abc', '', '1e3', "1' OR '1'='1", '9999999999999999', ' 1'])('refuses %j with 400 invalid_product_id', (raw) => {
    let error: unknown;
    try {
      parseProductId(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).status).toBe(400);
    expect((error as ServiceError).code).toBe('invalid_product_id');
  });
});

const json = (value: unknown) => JSON.stringify(value);
const PRODUCT = 740_001;
const valid = { productId: PRODUCT, quantity: 1, userId: 'u1' };
let keys = 0;

const CASES = badOrders(PRODUCT);

/** POST /orders as the e2e suite sends it: JSON, a fresh key, then the case's headers ('' removes one). */
async function post(service: InProcessService, c: BadOrder): Promise<{ status: number; body: { error?: string; message?: string } }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': `bad-${++keys}`, ...c.headers };
  if (headers['idempotency-key'] === '') delete headers['idempotency-key'];
  const response = await service.inject('POST', '/orders', headers, c.body);
  expect(response.headers['content-type']).toContain('application/json');
  return { status: response.status, body: JSON.parse(response.body) as { error?: string; message?: string } };
}

describe('bad orders get a 4xx JSON error and reach no purchase', () => {
  it.each(CASES)('$what', async (c) => {
    const service = inProcessService([PRODUCT]);
    const answer = await post(service, c);
    expect(answer.status).toBe(c.status);
    expect(answer.body.error).toBe(c.error);
    expect(answer.body.message).toEqual(expect.any(String));
    expect(service.purchases).toEqual([]);
  });

  it('a valid order reaches the purchases, validated, with the default strategy or the one asked for', async () => {
    const service = inProcessService([PRODUCT]);
    const first = await post(service, { what: '', body: json(valid), headers: { 'idempotency-key': 'k-1' }, status: 201, error: '' });
    const second = await post(service, { what: '', body: json({ ...valid, userId: 7 }), headers: { 'idempotency-key': 'k-2', 'x-purchase-strategy': 'seed' }, status: 201, error: '' });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(service.purchases).toEqual([
      { strategy: 'atomic', request: { productId: PRODUCT, quantity: 1, userId: 'u1', idempotencyKey: 'k-1' } },
      { strategy: 'seed', request: { productId: PRODUCT, quantity: 1, userId: '7', idempotencyKey: 'k-2' } },
    ]);
  });
});

describe('bodies too large', () => {
  it('the app refuses more than 16 KiB with 413 JSON', async () => {
    const service = inProcessService([PRODUCT]);
    const answer = await post(service, { what: '', body: json({ ...valid, userId: 'u'.repeat(20_000) }), status: 413, error: '' });
    expect(answer).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
  });
});

describe('views with bad ids', () => {
  it.each(['0', '-1', 'abc', '1.5', "1'%20OR%20'1'='1", '99999999999999999999'])('/products/%s is 400 JSON', async (id) => {
    const response = await inProcessService([PRODUCT]).inject('GET', `/products/${id}`);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'invalid_product_id' });
  });

  it('an unknown route is 404 JSON and a wrong method 405 JSON', async () => {
    const service = inProcessService([PRODUCT]);
    const unknown = await service.inject('GET', '/nope');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ error: 'not_found' });
    const wrong = await service.inject('GET', '/orders');
    expect(wrong.status).toBe(405);
    expect(JSON.parse(wrong.body)).toMatchObject({ error: 'method_not_allowed' });
  });
});

describe('every answer', () => {
  it('names its app in X-Served-By, the hot view route and refusals too', async () => {
    const service = inProcessService([PRODUCT]);
    const miss = await service.inject('GET', `/products/${PRODUCT}`);
    const answers = await Promise.all([
      service.inject('GET', `/products/${PRODUCT}`),
      service.inject('GET', '/products/abc'),
      service.inject('GET', '/healthz'),
      service.inject('GET', '/nope'),
      service.inject('POST', '/orders', { 'content-type': 'application/json', 'idempotency-key': 'k-served' }, json(valid)),
    ]);
    expect([miss, ...answers].map((a) => [a.status, a.headers['x-served-by']])).toEqual([
      [200, 'app-test'],
      [200, 'app-test'],
      [400, 'app-test'],
      [200, 'app-test'],
      [404, 'app-test'],
      [201, 'app-test'],
    ]);
    expect([miss.headers['x-cache'], answers[0]?.headers['x-cache']]).toEqual(['MISS', 'HIT']);
    expect(answers[0]?.body).toBe(miss.body);
  });

  it('is counted in /metrics by route, method and status', async () => {
    const service = inProcessService([PRODUCT]);
    await service.inject('POST', '/orders', { 'content-type': 'text/plain' }, json(valid));
    await service.inject('GET', '/nope');
    const metrics = await service.inject('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('shop_http_requests_total{route="orders",method="POST",status="415"} 1');
    expect(metrics.body).toContain('shop_http_requests_total{route="unknown",method="GET",status="404"} 1');
  });
});

describe('Server-Timing', () => {
  /** name → ms of one answer's header. */
  const timing = (header: string | string[] | undefined): Record<string, number> => Object.fromEntries(String(header).split(', ').map((e) => [e.split(';')[0], Number(e.split('dur=')[1])]));

  it('every answer of the app says where its time went; the phases add up to at most the app\'s total', async () => {
    const service = inProcessService([PRODUCT]);
    const miss = await service.inject('GET', `/products/${PRODUCT}`);
    const hit = await service.inject('GET', `/products/${PRODUCT}`);
    const order = await service.inject('POST', '/orders', { 'content-type': 'application/json', 'idempotency-key': 'k-timed' }, json(valid));
    const refused = await service.inject('GET', '/products/abc');
    expect(Object.keys(timing(miss.headers['server-timing']))).toEqual(['near', 'redis', 'app']);
    expect(Object.keys(timing(hit.headers['server-timing']))).toEqual(['near', 'app']);
    expect(Object.keys(timing(order.headers['server-timing']))).toEqual(['tx', 'app']);
    expect(Object.keys(timing(refused.headers['server-timing']))).toEqual(['app']);
    for (const answer of [miss, hit, order, refused]) {
      const { app, ...phases } = timing(answer.headers['server-timing']);
      const spent = Object.values(phases).reduce((sum, ms) => sum + ms, 0);
      expect(spent).toBeLessThanOrEqual((app ?? 0) + 0.01);
    }
    // The stand-ins wait 2 ms in "Redis" and 1 ms in the "transaction" (timers may fire up to 1 ms early).
    expect(timing(miss.headers['server-timing']).redis).toBeGreaterThanOrEqual(0.9);
    expect(timing(order.headers['server-timing']).tx).toBeGreaterThan(0);
  });

  it('is left out when the topology turns it off', async () => {
    const service = inProcessService([PRODUCT], { serverTiming: false });
    const answers = [await service.inject('GET', `/products/${PRODUCT}`), await service.inject('GET', `/products/${PRODUCT}`), await service.inject('GET', '/nope')];
    expect(answers.map((a) => [a.status, a.headers['server-timing']])).toEqual([
      [200, undefined],
      [200, undefined],
      [404, undefined],
    ]);
  });
});

describe('admission', () => {
  it('beyond the bound, a purchase is 503 overloaded at once, with Retry-After and X-Error, and never reaches the purchases', async () => {
    let release!: () => void;
    const service = inProcessService([PRODUCT], { maxPurchasesInFlight: 2, holdPurchases: new Promise<void>((r) => (release = r)) });
    const order = (key: string) => service.inject('POST', '/orders', { 'content-type': 'application/json', 'idempotency-key': key }, json(valid));
    const admitted = [order('a-1'), order('a-2')];
    await new Promise((r) => setTimeout(r, 20));
    const refused = await order('a-3');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['x-error']).toBe('overloaded');
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'overloaded', message: expect.any(String) });
    expect(service.purchases.map((p) => p.request.idempotencyKey)).toEqual(['a-1', 'a-2']);
    release();
    expect((await Promise.all(admitted)).map((a) => a.status)).toEqual([201, 201]);
    // The places are free again, and the refusal is counted.
    expect((await order('a-4')).status).toBe(201);
    const metrics = await service.inject('GET', '/metrics');
    expect(metrics.body).toMatch(/^shop_admission_rejected_total 1$/m);
    expect(metrics.body).toContain('shop_http_requests_total{route="orders",method="POST",status="503"} 1');
  });

  it('a bad order is refused 400 even when the bound is reached (validation comes first)', async () => {
    const service = inProcessService([PRODUCT], { maxPurchasesInFlight: 1, holdPurchases: new Promise<void>(() => {}) });
    void service.inject('POST', '/orders', { 'content-type': 'application/json', 'idempotency-key': 'h-1' }, json(valid));
    await new Promise((r) => setTimeout(r, 20));
    const bad = await service.inject('POST', '/orders', { 'content-type': 'application/json', 'idempotency-key': 'h-2' }, json({ ...valid, quantity: 0 }));
    expect(bad.status).toBe(400);
    expect(bad.headers['x-error']).toBe('invalid_request');
  });

  it('a purchase or view that waited past its budget before the app (X-Request-Start) is 503 overloaded and reaches nothing', async () => {
    const service = inProcessService([PRODUCT]);
    const started = (agoMs: number) => {
      const at = Date.now() - agoMs;
      return `t=${Math.floor(at / 1000)}.${String(at % 1000).padStart(3, '0')}`;
    };
    const order = (key: string, agoMs: number) =>
      service.inject('POST', '/orders', { 'content-type': 'application/json', 'idempotency-key': key, 'x-request-start': started(agoMs) }, json(valid));
    const late = await order('q-1', PURCHASE_QUEUE_BUDGET_MS + 500);
    expect([late.status, late.headers['x-error'], late.headers['retry-after']]).toEqual([503, 'overloaded', '1']);
    expect(service.purchases).toEqual([]);
    expect((await order('q-2', 0)).status).toBe(201);
    const view = (agoMs: number) => service.inject('GET', `/products/${PRODUCT}`, { 'x-request-start': started(agoMs) });
    expect((await view(VIEW_QUEUE_BUDGET_MS + 500)).headers['x-error']).toBe('overloaded');
    expect((await view(0)).status).toBe(200);
    const metrics = await service.inject('GET', '/metrics');
    expect(metrics.body).toMatch(/^shop_admission_late_total\{route="purchase"\} 1$/m);
    expect(metrics.body).toMatch(/^shop_admission_late_total\{route="view"\} 1$/m);
    expect(metrics.body).toMatch(/^shop_admission_rejected_total 0$/m);
  });

  it('a purchase queued behind a full lane leaves the queue 503 overloaded when its budget runs out, and never runs', async () => {
    const service = inProcessService([PRODUCT], { concurrency: 1, holdPurchases: new Promise<void>(() => {}) });
    const started = (agoMs: number) => {
      const at = Date.now() - agoMs;
      return `t=${Math.floor(at / 1000)}.${String(at % 1000).padStart(3, '0')}`;
    };
    void service.inject('POST', '/orders', { 'content-type': 'application/json', 'idempotency-key': 'w-1' }, json(valid));
    await new Promise((r) => setTimeout(r, 20));
    const queued = Date.now();
    const late = await service.inject('POST', '/orders', { 'content-type': 'application/json', 'idempotency-key': 'w-2', 'x-request-start': started(PURCHASE_QUEUE_BUDGET_MS - 200) }, json(valid));
    expect([late.status, late.headers['x-error']]).toEqual([503, 'overloaded']);
    expect(Date.now() - queued).toBeGreaterThanOrEqual(100);
    expect(service.purchases.map((p) => p.request.idempotencyKey)).toEqual(['w-1']);
  });
});
