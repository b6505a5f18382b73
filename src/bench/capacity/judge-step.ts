import { buildReport, type BenchPieces } from '../../report/build-report.js';
import { evaluateThresholds } from '../../verify/thresholds/evaluate.js';
import type { Threshold } from '../../verify/thresholds/parse.js';
import type { StepJudgement } from './find-capacity.js';

/**
 * One capacity step judged as `verify` would judge a report of it: the scenario's thresholds
 * on its measured window, and the generator's self-check (a rate the generator could not send
 * is no evidence that the system carried it).
 */
export function judgeStep(pieces: BenchPieces, thresholds: Threshold[]): StepJudgement {
  const report = buildReport(pieces);
  const failed = evaluateThresholds(report, thresholds).filter((t) => !t.ok).map((t) => t.detail);
  const untrusted = report.generator.reasons.map((reason) => `generator: ${reason}`);
  return { passed: failed.length === 0 && report.generator.trustworthy, failures: [...failed, ...untrusted] };
}
