import { ExitCode } from '../errors.js';
import type { TimelineEntry } from '../faults/timeline.js';
import type { BenchReport } from '../report/model.js';
import type { AuditResult } from './audit/audit.js';
import type { ThresholdResult } from './thresholds/evaluate.js';

export const VERIFY_SCHEMA = 'shopctl.verify/1';

export type Verdict = 'pass' | 'threshold_failed' | 'untrusted' | 'invariant_violated' | 'unreachable';

/** verify.json: what `verify --json` prints and what it appends to the run's folder. */
export interface VerifyResult {
  schema: typeof VERIFY_SCHEMA;
  verdict: Verdict;
  exitCode: ExitCode;
  runId: string;
  report: string;
  verifiedAt: string;
  durationMs: number;
  generator: { trustworthy: boolean; reasons: string[] };
  thresholds: ThresholdResult[];
  /** The faults injected during the run (report `faults`), in the order they began; empty without. */
  faults: FaultLine[];
  /** Why nothing could be audited (exit 3), or null. */
  unreachable: string | null;
  audit: AuditResult | null;
  /** Every threshold and invariant as one line each, for the HTML report and JUnit. */
  checks: { name: string; ok: boolean; detail: string }[];
}

/** A fault of the run as the verdict lists it; times in ms since the load started. */
export type FaultLine = Pick<TimelineEntry, 'id' | 'action' | 'target' | 'startedAtMs' | 'healAtMs' | 'healedAtMs' | 'error'>;

export function faultLines(report: BenchReport): FaultLine[] {
  return (report.faults?.timeline ?? []).map(({ id, action, target, startedAtMs, healAtMs, healedAtMs, error }) => ({ id, action, target, startedAtMs, healAtMs, healedAtMs, error }));
}

/**
 * The exit code, by precedence (DESIGN.md §2, issue #5): 2 when any invariant is violated
 * (whatever else), 3 when the topology could not be reached or an invariant could not be
 * checked, 4 when the measurement cannot be trusted, 1 when a threshold fails, else 0.
 */
export function verdictOf(unreachable: boolean, audit: AuditResult | null, trustworthy: boolean, thresholds: ThresholdResult[]): { verdict: Verdict; exitCode: ExitCode } {
  if (audit !== null && audit.invariants.some((i) => i.violations > 0)) return { verdict: 'invariant_violated', exitCode: ExitCode.invariantViolated };
  // Nothing, or not everything, could be checked: no pass can be given, and no violation was proven.
  if (unreachable || audit === null || audit.invariants.some((i) => i.unchecked !== undefined)) return { verdict: 'unreachable', exitCode: ExitCode.environment };
  if (!trustworthy) return { verdict: 'untrusted', exitCode: ExitCode.untrustedMeasurement };
  if (thresholds.some((t) => !t.ok)) return { verdict: 'threshold_failed', exitCode: ExitCode.thresholdFailed };
  return { verdict: 'pass', exitCode: ExitCode.ok };
}
