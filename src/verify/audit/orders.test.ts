import { describe, expect, it } from 'vitest';
import type { Attempt, LedgerIndex } from '../ledger-index.js';
import { checkNoLostOrder, checkNoPhantom, checkNoSaleAfterFailure, type RunOrder } from './orders.js';

const RUN = '20261124-101500-ab12';
const attempt = (outcome: Attempt['outcome'], over: Partial<Attempt> = {}): Attempt => ({ productId: 1, quantity: 1, outcome, orderId: outcome === 'acknowledged' ? 10 : null, status: { acknowledged: 201, failed: 409, unknown: null }[outcome], ...over });

function ledger(entries: [string, Attempt][]): LedgerIndex {
  const index: LedgerIndex = { attempts: new Map(entries), acknowledged: 0, failed: 0, unknown: 0, repeated: [] };
  for (const [, a] of entries) index[a.outcome] += 1;
  return index;
}

describe('order invariants', () => {
  const l = ledger([
    [`${RUN}-0-1`, attempt('acknowledged', { orderId: 10 })],
    [`${RUN}-0-2`, attempt('failed')],
    [`${RUN}-0-3`, attempt('unknown')],
    [`${RUN}-1-1`, attempt('unknown')],
  ]);
  const order = (id: number, over: Partial<RunOrder> = {}): RunOrder => ({ id, productId: 1, quantity: 1, ...over });

  it('hold when every acknowledged key has its order and unknown ones did or did not commit', () => {
    const orders = new Map([[`${RUN}-0-1`, order(10)], [`${RUN}-0-3`, order(11)]]);
    expect([checkNoLostOrder(l, orders), checkNoPhantom(l, orders, RUN), checkNoSaleAfterFailure(l, orders)].map((r) => r.ok)).toEqual([true, true, true]);
    expect(checkNoPhantom(l, new Map([[`${RUN}-0-1`, order(10)]]), RUN).ok).toBe(true);
  });

  it('I2 names a lost order, and one stored with another quantity', () => {
    expect(checkNoLostOrder(l, new Map()).examples).toEqual([{ key: `${RUN}-0-1`, productId: 1, quantity: 1, orderId: 10, found: 'no order' }]);
    expect(checkNoLostOrder(l, new Map([[`${RUN}-0-1`, order(10, { quantity: 2 })]])).violations).toBe(1);
  });

  it('I3 names a phantom, but sets aside a late order of an earlier bench run', () => {
    const orders = new Map([[`${RUN}-0-1`, order(10)], ['intruder', order(12, { productId: 7 })], ['20261124-101000-ffff-0-9', order(13)], ['20261124-100500-eeee-s3-1-7', order(15)], [`${RUN}-9-9`, order(14)]]);
    const result = checkNoPhantom(l, orders, RUN);
    expect(result.examples).toEqual([
      { kind: 'phantom', key: 'intruder', orderId: 12, productId: 7, quantity: 1 },
      { kind: 'phantom', key: `${RUN}-9-9`, orderId: 14, productId: 1, quantity: 1 },
    ]);
    // The second is a capacity step's key (`<run-id>-s<step>-…`).
    expect(result.checked).toContain('2 late order(s) of earlier bench runs set aside');
  });

  it("I3 sets aside late orders of earlier load agents' runs, named or not, but not one of this agents' run it never attempted", () => {
    const agents = '20261126-103000-run-1';
    const orders = new Map([
      ['20261126-101500-agents-a0-1-4', order(20)],
      ['20261126-101500-run-1-a2-0-9', order(21)],
      [`${agents}-a1-0-3`, order(22)],
    ]);
    const result = checkNoPhantom(l, orders, agents);
    expect(result.examples).toEqual([{ kind: 'phantom', key: `${agents}-a1-0-3`, orderId: 22, productId: 1, quantity: 1 }, expect.objectContaining({ kind: 'count' })]);
    expect(result.checked).toContain('2 late order(s) of earlier bench runs set aside');
  });

  it('I3 checks the count: between acknowledged and acknowledged + unknown', () => {
    const none = checkNoPhantom(l, new Map(), RUN);
    expect(none.examples).toEqual([{ kind: 'count', orders: 0, acknowledged: 1, acknowledgedPlusUnknown: 3 }]);
  });

  it('I4 names a sale after a definite refusal', () => {
    const result = checkNoSaleAfterFailure(l, new Map([[`${RUN}-0-2`, order(15)]]));
    expect(result.examples).toEqual([{ key: `${RUN}-0-2`, productId: 1, status: 409, orderId: 15, quantity: 1 }]);
  });
});
