import { describe, expect, it } from 'vitest';
import { classifyAnswer, classifyFailure } from './classify.js';
import type { BenchRequest } from './workload.js';

const view: BenchRequest = { kind: 'view', productId: 1 };
const purchase: BenchRequest = { kind: 'purchase', productId: 1, quantity: 1, key: 'k' };
const errorWith = (code: string) => Object.assign(new Error(code), { code });

describe('request classes', () => {
  it.each([
    [view, 200, 'HIT', undefined, false, 'view_hit', null, null, null],
    [view, 200, 'MISS', undefined, false, 'view_miss', null, null, null],
    [view, 404, undefined, 'product_not_found', false, 'error', 'http_4xx', 'http_4xx', null],
    [view, 503, undefined, 'unavailable', false, 'error', 'http_5xx', 'app.unavailable', null],
    [view, 502, undefined, 'no_live_upstream', false, 'error', 'http_5xx', 'nginx.no_live_upstream', null],
    [purchase, 201, undefined, undefined, false, 'purchase_ok', null, null, 'acknowledged'],
    [purchase, 409, undefined, 'sold_out', true, 'purchase_sold_out', null, null, 'failed'],
    [purchase, 409, undefined, undefined, false, 'error', 'http_4xx', 'http_4xx', 'failed'],
    [purchase, 400, undefined, 'invalid_request', false, 'error', 'http_4xx', 'http_4xx', 'failed'],
    [purchase, 404, undefined, undefined, false, 'error', 'http_4xx', 'http_4xx', 'failed'],
    [purchase, 429, undefined, undefined, false, 'error', 'http_4xx', 'http_4xx', 'unknown'],
    // Refused at admission before any statement: definitely not sold.
    [purchase, 503, undefined, 'overloaded', false, 'error', 'http_5xx', 'app.overloaded', 'failed'],
    // A wait ran out before any statement, or InnoDB rolled the transaction back: not sold.
    [purchase, 503, undefined, 'busy', false, 'error', 'http_5xx', 'app.busy', 'failed'],
    [purchase, 503, undefined, 'unavailable', false, 'error', 'http_5xx', 'app.unavailable', 'unknown'],
    [purchase, 503, undefined, undefined, false, 'error', 'http_5xx', 'app.other', 'unknown'],
    [purchase, 500, undefined, 'internal', false, 'error', 'http_5xx', 'app.other', 'unknown'],
    // nginx's last try never reached an app: definitely not sold.
    [purchase, 502, undefined, 'upstream_connect_failed', false, 'error', 'http_5xx', 'nginx.upstream_connect_failed', 'failed'],
    [purchase, 502, undefined, 'no_live_upstream', false, 'error', 'http_5xx', 'nginx.no_live_upstream', 'failed'],
    [purchase, 504, undefined, 'upstream_connect_timeout', false, 'error', 'http_5xx', 'nginx.upstream_connect_failed', 'failed'],
    // The app broke the connection, or did not answer in time: it may have sold.
    [purchase, 502, undefined, 'upstream_failed', false, 'error', 'http_5xx', 'nginx.other', 'unknown'],
    [purchase, 504, undefined, 'upstream_timeout', false, 'error', 'http_5xx', 'nginx.upstream_timeout', 'unknown'],
    [purchase, 502, undefined, undefined, false, 'error', 'http_5xx', 'app.other', 'unknown'],
  ] as const)('%o %i %s %s → %s', (request, status, xCache, xError, soldOut, cls, error, reason, outcome) => {
    expect(classifyAnswer(request, { status, xCache, xError }, soldOut)).toEqual({ cls, error, reason, outcome });
  });

  it('a purchase that never connected definitely failed; after a timeout, reset or abort it may have sold', () => {
    expect(classifyFailure(purchase, errorWith('ECONNREFUSED'))).toEqual({ cls: 'error', error: 'connect', reason: 'client.connect', outcome: 'failed' });
    expect(classifyFailure(purchase, errorWith('SHOPCTL_TIMEOUT'))).toEqual({ cls: 'error', error: 'timeout', reason: 'client.timeout', outcome: 'unknown' });
    expect(classifyFailure(purchase, errorWith('ECONNRESET'))).toEqual({ cls: 'error', error: 'reset', reason: 'client.reset', outcome: 'unknown' });
    expect(classifyFailure(purchase, errorWith('SHOPCTL_CLOSED'))).toEqual({ cls: 'error', error: 'reset', reason: 'client.reset', outcome: 'unknown' });
    expect(classifyFailure(purchase, errorWith('SHOPCTL_ABORTED'))).toEqual({ cls: 'error', error: 'aborted', reason: 'client.aborted', outcome: 'unknown' });
    expect(classifyFailure(purchase, errorWith('SHOPCTL_CONNECT_TIMEOUT'))).toEqual({ cls: 'error', error: 'connect', reason: 'client.connect', outcome: 'failed' });
    expect(classifyFailure(purchase, errorWith('SHOPCTL_BAD_RESPONSE'))).toEqual({ cls: 'error', error: 'reset', reason: 'client.reset', outcome: 'unknown' });
    expect(classifyFailure(view, errorWith('ECONNREFUSED'))).toEqual({ cls: 'error', error: 'connect', reason: 'client.connect', outcome: null });
  });
});
