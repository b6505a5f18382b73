import type { VerifyResult } from './verdict.js';

const mark = (ok: boolean) => (ok ? '✓' : '✗');

const VERDICT_LINES: Record<VerifyResult['verdict'], string> = {
  pass: 'PASS: every threshold met, every invariant holds',
  threshold_failed: 'FAIL (exit 1): a threshold failed',
  untrusted: 'UNTRUSTED (exit 4): the measurement cannot be trusted',
  invariant_violated: 'FAIL (exit 2): a consistency invariant was violated',
  unreachable: 'NOT CHECKED (exit 3): the topology could not be reached, or an invariant could not be checked',
};

const seconds = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);

/** The run's faults, one line each, so a verdict says what the figures below went through. */
function faultsText(result: VerifyResult): string[] {
  if (result.faults.length === 0) return [];
  const lines = ['', 'faults (times since the load started):'];
  for (const f of result.faults) {
    const healed = f.healAtMs === null ? 'not healed' : `heal ${seconds(f.healAtMs)}, healed ${seconds(f.healedAtMs)}`;
    lines.push(`  ${f.id} ${f.action} ${f.target}: at ${seconds(f.startedAtMs)}, ${healed}${f.error === null ? '' : ` (error: ${f.error})`}`);
  }
  return lines;
}

/** The readable verdict for stderr: each threshold and invariant with ✓/✗ and its figure. */
export function renderVerdict(result: VerifyResult): string {
  const lines = [`verify ${result.runId} (${result.report})`, ...faultsText(result), '', 'thresholds:'];
  for (const t of result.thresholds) lines.push(`  ${mark(t.ok)} ${t.threshold.padEnd(32)} ${t.detail}`);
  if (result.thresholds.length === 0) lines.push('  (none)');
  lines.push('', `measurement: ${mark(result.generator.trustworthy)} ${result.generator.trustworthy ? 'trustworthy' : result.generator.reasons.join('; ')}`);
  lines.push('', 'invariants:');
  if (result.audit === null) lines.push(`  not audited: ${result.unreachable ?? ''}`);
  for (const i of result.audit?.invariants ?? []) {
    lines.push(`  ${i.unchecked === undefined ? mark(i.ok) : '?'} ${i.id} ${i.name}`, `       ${i.checked}`);
    if (i.violations > 0) {
      lines.push(`       ${i.violations} violation(s)${i.violations > i.examples.length ? `, the first ${i.examples.length}` : ''}:`);
      for (const e of i.examples) lines.push(`         ${JSON.stringify(e)}`);
    }
  }
  const a = result.audit;
  if (a !== null) {
    const r = a.replication;
    lines.push('', `ledger: ${a.ledger.entries} attempts (${a.ledger.acknowledged} acknowledged, ${a.ledger.failed} failed, ${a.ledger.unknown} unknown); ${a.ordersAudited} orders audited`);
    if (a.audited !== undefined) lines.push(`audited: primary ${a.audited.primary}, replica ${a.audited.replica ?? 'none'}, cache ${a.audited.cache} (failover epoch ${a.audited.epoch})`);
    if (r !== null) lines.push(`replica: ${r.caughtUp ? `caught up in ${r.waitedMs} ms` : `NOT caught up after ${r.waitedMs} ms`} (${r.replicaPosition})`);
  }
  lines.push('', `${VERDICT_LINES[result.verdict]} — ${(result.durationMs / 1000).toFixed(1)} s`);
  return lines.join('\n');
}
