import { describe, expect, it } from 'vitest';
import { invariantResult } from './audit/invariant.js';
import { renderJunit } from './junit.js';
import type { VerifyResult } from './verdict.js';

const result = (): VerifyResult => ({
  schema: 'shopctl.verify/1',
  verdict: 'invariant_violated',
  exitCode: 2,
  runId: 'run<1>',
  report: '/tmp/r',
  verifiedAt: '2026-11-24T00:00:00Z',
  durationMs: 1234,
  generator: { trustworthy: true, reasons: [] },
  thresholds: [
    { threshold: 'view_hit: p(99)<10', actual: 5, ok: true, detail: 'view_hit p(99) = 5 ms (meets < 10)' },
    { threshold: 'purchase: p(99)<100', actual: 150, ok: false, detail: 'purchase p(99) = 150 ms (fails < 100)' },
  ],
  faults: [],
  unreachable: null,
  audit: { invariants: [invariantResult('I1', 'all products', []), invariantResult('I4', '3 failed attempts', [{ key: 'k&"1"', productId: 7 }])], replication: null, ledger: { entries: 3, acknowledged: 1, failed: 1, unknown: 1 }, ordersAudited: 1 },
  checks: [],
});

describe('JUnit XML', () => {
  it('has a testcase per threshold and invariant, failures with the evidence, all text escaped', () => {
    const xml = renderJunit(result());
    expect(xml).toContain('<testsuites name="shopctl verify run&lt;1&gt;" tests="5" failures="2" time="1.234">');
    expect(xml.match(/<testcase /g)).toHaveLength(5);
    expect(xml).toContain('<testsuite name="thresholds" tests="2" failures="1">');
    expect(xml).toContain('<failure message="purchase p(99) = 150 ms (fails &lt; 100)">');
    expect(xml).toContain('{&quot;key&quot;:&quot;k&amp;\\&quot;1\\&quot;&quot;,&quot;productId&quot;:7}');
    expect(xml).toContain('<testcase classname="shopctl.verify.invariants" name="I1 conservation: stock + sold = initial stock, stock ≥ 0"></testcase>');
  });

  it('an unreachable topology is one failing audit case', () => {
    const xml = renderJunit({ ...result(), audit: null, unreachable: 'cannot reach mysql-primary' });
    expect(xml).toContain('<failure message="cannot reach mysql-primary">');
  });
});
