import { describe, expect, it } from 'vitest';
import { faultReport, sampleReport } from '../../test/support/report-fixture.js';
import { renderVerdict } from './render.js';
import { faultLines, type VerifyResult } from './verdict.js';

const result = (over: Partial<VerifyResult> = {}): VerifyResult => ({
  schema: 'shopctl.verify/1',
  verdict: 'pass',
  exitCode: 0,
  runId: 'run-1',
  report: '/tmp/run-1',
  verifiedAt: '2026-11-24T00:00:00Z',
  durationMs: 1500,
  generator: { trustworthy: true, reasons: [] },
  thresholds: [],
  faults: [],
  unreachable: null,
  audit: null,
  checks: [],
  ...over,
});

describe('the verdict of a fault run', () => {
  it("lists the run's faults from the report's timeline, in the order they began", () => {
    expect(faultLines(faultReport())).toEqual([
      { id: 1, action: 'kill', target: 'app1', startedAtMs: 20_000, healAtMs: 25_000, healedAtMs: 25_400, error: null },
      { id: 2, action: 'partition', target: 'app1,app2 -> db', startedAtMs: 40_000, healAtMs: 44_000, healedAtMs: 44_000, error: null },
      { id: 3, action: 'pause', target: 'cache', startedAtMs: 60_000, healAtMs: null, healedAtMs: null, error: 'resume failed: no such process' },
    ]);
    expect(faultLines(sampleReport())).toEqual([]);
  });

  it('says them before the thresholds, and nothing of faults for a run without', () => {
    const text = renderVerdict(result({ faults: faultLines(faultReport()) }));
    expect(text).toContain(
      [
        'faults (times since the load started):',
        '  1 kill app1: at 20.0 s, heal 25.0 s, healed 25.4 s',
        '  2 partition app1,app2 -> db: at 40.0 s, heal 44.0 s, healed 44.0 s',
        '  3 pause cache: at 60.0 s, not healed (error: resume failed: no such process)',
        '',
        'thresholds:',
      ].join('\n'),
    );
    expect(renderVerdict(result())).not.toContain('faults');
  });
});
