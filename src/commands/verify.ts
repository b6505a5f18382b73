import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { EnvironmentError } from '../errors.js';
import { writeVerify } from '../report/write.js';
import { loadTopology } from '../topology/load.js';
import { writeErr } from '../ui/terminal.js';
import { audit, type AuditResult } from '../verify/audit/audit.js';
import { renderJunit } from '../verify/junit.js';
import { readRun } from '../verify/report-file.js';
import { renderVerdict } from '../verify/render.js';
import { evaluateThresholds } from '../verify/thresholds/evaluate.js';
import { mergeThresholds, parseThresholdFlag, parseThresholds } from '../verify/thresholds/parse.js';
import { VERIFY_SCHEMA, faultLines, verdictOf, type VerifyResult } from '../verify/verdict.js';
import { parseOptions, type CommandSpec } from './command.js';

const options = z.object({
  report: z.string().optional(),
  topology: z.string().optional(),
  junit: z.string().optional(),
  threshold: z.array(z.string()).default([]),
  json: z.boolean().default(false),
});

const collect = (value: string, previous: string[] = []) => [...previous, value];

export const verifyCommand: CommandSpec = {
  name: 'verify',
  summary: "evaluate the scenario's thresholds on the last report and audit the databases and cache (exit 0/1/2/3/4)",
  configure: (c) =>
    c
      .option('--report <dir>', 'the run to verify (default: reports/latest)')
      .option('-t, --topology <file>', "topology file (default: the one the report's run used)")
      .option('--threshold <metric:expression>', "add or override a threshold, e.g. 'purchase:p(99)<50' (repeatable)", collect)
      .option('--junit <file>', 'also write JUnit XML: one testcase per threshold and per invariant')
      .option('--json', 'print the verdict as JSON on stdout'),
  async action(raw) {
    const opts = parseOptions(options, raw);
    const started = Date.now();
    const run = readRun(opts.report);
    const { report } = run;
    const scenario = report.scenario as NonNullable<typeof report.scenario>;
    const thresholds = mergeThresholds(parseThresholds(scenario.thresholds, scenario.file), opts.threshold.map(parseThresholdFlag));
    const topology = loadTopology(opts.topology ?? report.topology.file);
    const thresholdResults = evaluateThresholds(report, thresholds);
    let audited: AuditResult | null = null;
    let unreachable: string | null = null;
    try {
      audited = await audit(topology, run);
    } catch (error) {
      if (!(error instanceof EnvironmentError)) throw error;
      unreachable = [error.message, ...error.details].join('; ');
    }
    const { verdict, exitCode } = verdictOf(unreachable !== null, audited, report.generator.trustworthy, thresholdResults);
    const result: VerifyResult = {
      schema: VERIFY_SCHEMA,
      verdict,
      exitCode,
      runId: report.runId,
      report: run.dir,
      verifiedAt: new Date().toISOString(),
      durationMs: Date.now() - started,
      generator: { trustworthy: report.generator.trustworthy, reasons: report.generator.reasons },
      thresholds: thresholdResults,
      faults: faultLines(report),
      unreachable,
      audit: audited,
      checks: [
        ...thresholdResults.map((t) => ({ name: t.threshold, ok: t.ok, detail: t.detail })),
        { name: 'measurement trustworthy', ok: report.generator.trustworthy, detail: report.generator.reasons.join('; ') || 'yes' },
        ...(audited?.invariants ?? []).map((i) => ({ name: `${i.id} ${i.name}`, ok: i.ok, detail: i.ok ? i.checked : `${i.violations} violation(s), e.g. ${JSON.stringify(i.examples[0])}` })),
      ],
    };
    writeErr(renderVerdict(result));
    // A file that cannot be written is said, but never changes the verdict's exit code.
    tryWrite(`${run.dir}/verify.json`, () => writeVerify(run.dir, report, result));
    if (opts.junit !== undefined) tryWrite(opts.junit, () => writeFileSync(resolve(opts.junit as string), renderJunit(result)));
    if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return exitCode;
  },
};

function tryWrite(what: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    writeErr(`shopctl: could not write ${what}: ${(error as Error).message}`);
  }
}
