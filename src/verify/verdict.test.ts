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
