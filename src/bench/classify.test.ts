import { describe, expect, it } from 'vitest';
import { classifyAnswer, classifyFailure } from './classify.js';
import type { BenchRequest } from './workload.js';

const view: BenchRequest = { kind: 'view', productId: 1 };
const purchase: BenchRequest = { kind: 'purchase', productId: 1, quantity: 1, key: 'k' };
const errorWith = (code: string) => Object.assign(new Error(code), { code });

describe('request classes', () => {
  it.each([
    [view, 200, 'HIT', false, 'view_hit', null, null],
    [view, 200, 'MISS', false, 'view_miss', null, null],
    [view, 404, undefined, false, 'error', 'http_4xx', null],
    [view, 503, undefined, false, 'error', 'http_5xx', null],
    [purchase, 201, undefined, false, 'purchase_ok', null, 'acknowledged'],
    [purchase, 409, undefined, true, 'purchase_sold_out', null, 'failed'],
    [purchase, 409, undefined, false, 'error', 'http_4xx', 'failed'],
    [purchase, 400, undefined, false, 'error', 'http_4xx', 'failed'],
    [purchase, 404, undefined, false, 'error', 'http_4xx', 'failed'],
    [purchase, 429, undefined, false, 'error', 'http_4xx', 'unknown'],
    [purchase, 503, undefined, false, 'error', 'http_5xx', 'unknown'],
    [purchase, 502, undefined, false, 'error', 'http_5xx', 'unknown'],
  ] as const)('%o %i %s → %s', (request, status, xCache, soldOut, cls, error, outcome) => {
    expect(classifyAnswer(request, status, xCache, soldOut)).toEqual({ cls, error, outcome });
  });

  it('a purchase that never connected definitely failed; after a timeout, reset or abort it may have sold', () => {
    expect(classifyFailure(purchase, errorWith('ECONNREFUSED'))).toEqual({ cls: 'error', error: 'connect', outcome: 'failed' });
    expect(classifyFailure(purchase, errorWith('SHOPCTL_TIMEOUT'))).toEqual({ cls: 'error', error: 'timeout', outcome: 'unknown' });
    expect(classifyFailure(purchase, errorWith('ECONNRESET'))).toEqual({ cls: 'error', error: 'reset', outcome: 'unknown' });
    expect(classifyFailure(purchase, errorWith('SHOPCTL_CLOSED'))).toEqual({ cls: 'error', error: 'reset', outcome: 'unknown' });
    expect(classifyFailure(purchase, errorWith('SHOPCTL_ABORTED'))).toEqual({ cls: 'error', error: 'aborted', outcome: 'unknown' });
    expect(classifyFailure(purchase, errorWith('SHOPCTL_CONNECT_TIMEOUT'))).toEqual({ cls: 'error', error: 'connect', outcome: 'failed' });
    expect(classifyFailure(purchase, errorWith('SHOPCTL_BAD_RESPONSE'))).toEqual({ cls: 'error', error: 'reset', outcome: 'unknown' });
    expect(classifyFailure(view, errorWith('ECONNREFUSED'))).toEqual({ cls: 'error', error: 'connect', outcome: null });
  });
});
