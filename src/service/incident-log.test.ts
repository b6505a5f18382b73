import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Registry } from 'prom-client';
import { inject } from '../../test/support/in-process-service.js';
import { AdmissionGate } from './admission.js';
import { ServiceError, unavailable } from './errors.js';
import { IncidentLog } from './incident-log.js';
import type { EventFields, EventLevel, ServiceEvent, ServiceLog } from './log.js';
import { RequestMetrics } from './request-metrics.js';
import type { RouteContext } from './route-context.js';
import { createServiceServer } from './server.js';
import { WorkQueue } from './work-queue.js';

type Line = { level: EventLevel; event: ServiceEvent } & EventFields;

function capture(): { log: ServiceLog; lines: Line[] } {
  const lines: Line[] = [];
  return { log: { event: (level, event, fields = {}) => void lines.push({ level, event, ...fields }) }, lines };
}

describe('IncidentLog', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(50_000);
  });
  afterEach(() => vi.useRealTimers());

  it('logs 3000 refusals of a route and code in a second as two lines whose counts add up, one kind per route, code and dependency', async () => {
    const { log, lines } = capture();
    const incidents = new IncidentLog(log);
    for (let i = 0; i < 1000; i++) {
      incidents.requestFailed('orders', new ServiceError('overloaded', `this app already has 2048 purchases in progress (${i})`, 1));
      incidents.requestFailed('orders', new ServiceError('busy', 'no primary database connection free within 1500 ms', 1, 'primary'));
      incidents.requestFailed('product', unavailable('replica', 'replica database', new Error('connect ECONNREFUSED')));
    }
    await vi.advanceTimersByTimeAsync(1000);
    const refused = lines.filter((line) => line.event === 'refused');
    expect(refused).toHaveLength(6);
    const count = (route: string, code: string) => refused.filter((l) => l.route === route && l.code === code).reduce((sum, l) => sum + Number(l.count), 0);
    expect([count('orders', 'overloaded'), count('orders', 'busy'), count('product', 'unavailable')]).toEqual([1000, 1000, 1000]);
    expect(refused[0]).toEqual({ level: 'warn', event: 'refused', route: 'orders', code: 'overloaded', dependency: undefined, reason: 'this app already has 2048 purchases in progress (0)', count: 1, since: 50_000 });
    expect(refused.find((l) => l.code === 'unavailable')).toMatchObject({ dependency: 'replica', reason: 'replica database: connect ECONNREFUSED' });
  });

  it('logs an internal error with its stack, and nothing for an answer that is the client\'s (400, 409)', () => {
    const { log, lines } = capture();
    const incidents = new IncidentLog(log);
    incidents.requestFailed('orders', new ServiceError('sold_out', 'sold out'));
    incidents.requestFailed('orders', new ServiceError('invalid_request', 'quantity must be 1..100'));
    incidents.requestFailed('orders', new TypeError('cannot read properties of undefined'));
    expect(lines).toEqual([{ level: 'error', event: 'internal_error', route: 'orders', err: expect.any(TypeError), count: 1, since: 50_000 }]);
  });

  it('aggregates a pool run dry per pool and cause, and writes what is left when it closes', () => {
    const { log, lines } = capture();
    const incidents = new IncidentLog(log);
    for (let i = 0; i < 10; i++) incidents.poolExhausted('primary', 'wait_timeout');
    incidents.close();
    expect(lines.map((l) => [l.event, l.pool, l.cause, l.count])).toEqual([
      ['pool_exhausted', 'primary', 'wait_timeout', 1],
      ['pool_exhausted', 'primary', 'wait_timeout', 9],
    ]);
  });

  it('cuts a reason past 300 characters', () => {
    const { log, lines } = capture();
    new IncidentLog(log).failed('primary', 'x'.repeat(1000));
    expect(String(lines[0]?.reason)).toHaveLength(300);
  });
});

describe('the request handler', () => {
  /** The service's own server over a context whose views fail as `view` says, logging into `log`. */
  function service(log: ServiceLog, view: () => Promise<never>) {
    const registry = new Registry();
    const ctx: RouteContext = {
      products: { cached: () => undefined, view },
      purchases: { purchase: () => Promise.reject(new Error('not used')) },
      admission: new AdmissionGate(10),
      work: new WorkQueue(10),
      readiness: async () => ({ ready: true, checks: { redis: 'ok', primary: 'ok', replica: 'ok' } }),
      metrics: registry,
      defaultStrategy: 'atomic',
      node: 'app-test',
      serverTiming: false,
    };
    return createServiceServer(ctx, new RequestMetrics(), new IncidentLog(log));
  }

  it('logs a request answered 503 with its route, code and dependency', async () => {
    const { log, lines } = capture();
    const server = service(log, () => Promise.reject(unavailable('replica', 'replica database', new Error('connect ECONNREFUSED'))));
    const answer = await inject(server, 'GET', '/products/7', {});
    expect(answer.status).toBe(503);
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', event: 'refused', route: 'product', code: 'unavailable', dependency: 'replica', count: 1 })]);
  });

  it('logs nothing for a 404', async () => {
    const { log, lines } = capture();
    const server = service(log, () => Promise.reject(new ServiceError('product_not_found', 'no product with id 7')));
    expect((await inject(server, 'GET', '/products/7', {})).status).toBe(404);
    expect(lines).toEqual([]);
  });
});
