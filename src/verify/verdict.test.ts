import { describe, expect, it } from 'vitest';
import type { AuditResult } from './audit/audit.js';
import { invariantResult } from './audit/invariant.js';
import type { ThresholdResult } from './thresholds/evaluate.js';
import { verdictOf } from './verdict.js';

const audit = (broken: boolean): AuditResult => ({
  invariants: [invariantResult('I1', 'x', broken ? [{ productId: 1 }] : [])],
  replication: null,
  ledger: { entries: 0, acknowledged: 0, failed: 0, unknown: 0 },
  ordersAudited: 0,
});
const thresholds = (ok: boolean): ThresholdResult[] => [{ threshold: 't', actual: 1, ok, detail: '' }];

describe('verify exit codes by precedence', () => {
  it.each([
    [true, null, false, false, 3],
    [false, audit(true), false, false, 2],
    [false, audit(true), true, true, 2],
    [false, audit(false), false, false, 4],
    [false, audit(false), true, false, 1],
    [false, audit(false), true, true, 0],
  ] as const)('unreachable %s, invariant broken %o, trustworthy %s, thresholds ok %s → %i', (unreachable, a, trustworthy, ok, code) => {
    expect(verdictOf(unreachable, a, trustworthy, thresholds(ok)).exitCode).toBe(code);
  });
});

describe('an invariant that could not be checked', () => {
  it('exits 3, unless another invariant is violated (2)', async () => {
    const { uncheckedResult, invariantResult: result } = await import('./audit/invariant.js');
    const unchecked: AuditResult = { ...audit(false), invariants: [result('I1', 'x', []), uncheckedResult('I6', 'the replica did not catch up')] };
    expect(verdictOf(false, unchecked, true, thresholds(true)).exitCode).toBe(3);
    const both: AuditResult = { ...unchecked, invariants: [...unchecked.invariants, result('I2', 'x', [{ key: 'k' }])] };
    expect(verdictOf(false, both, true, thresholds(true)).exitCode).toBe(2);
  });
});
