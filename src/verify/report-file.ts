import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { describeIssue } from '../config-file/load-yaml-file.js';
import { UsageError } from '../errors.js';
import { REPORT_SCHEMA, type BenchReport } from '../report/model.js';
import { REPORT_FILES } from '../report/write.js';

const recovery = z.looseObject({ firstSuccessMs: z.number().nullable(), p99UnderMs: z.number().nullable(), p99Threshold: z.string().nullable() });
const routeWindow = z.looseObject({ availability: z.number().nullable(), recovery });
const routeAvailability = z.looseObject({ attempts: z.number(), successes: z.number(), availability: z.number().nullable() });

/** The faults section (issue #13), which the recovery and availability thresholds read. */
const faultsShape = z.looseObject({
  timeline: z.array(z.looseObject({ id: z.number(), action: z.string(), target: z.string(), startedAtMs: z.number(), healAtMs: z.number().nullable(), healedAtMs: z.number().nullable(), error: z.string().nullable() })),
  windows: z.array(z.looseObject({ id: z.number(), recoveryFromMs: z.number().nullable(), routes: z.looseObject({ view: routeWindow, purchase: routeWindow }) })),
});

/** The parts of report.json verify relies on, checked before anything is trusted (64 otherwise). */
const reportShape = z.looseObject({
  schema: z.literal(REPORT_SCHEMA),
  runId: z.string().regex(/^[A-Za-z0-9_.:-]+$/),
  startedAt: z.iso.datetime(),
  scenario: z.looseObject({ file: z.string(), thresholds: z.record(z.string(), z.array(z.string())) }).nullable(),
  topology: z.looseObject({ name: z.string(), file: z.string() }),
  throughput: z.looseObject({ rps: z.number(), requests: z.number() }),
  histograms: z.record(z.string(), z.string()),
  errors: z.record(z.string(), z.number()),
  generator: z.looseObject({ trustworthy: z.boolean(), reasons: z.array(z.string()) }),
  ledger: z.looseObject({ file: z.string(), attempted: z.number() }).nullable(),
  availability: z.looseObject({ view: routeAvailability, purchase: routeAvailability }).optional(),
  faults: faultsShape.optional(),
});

export interface RunOnDisk {
  dir: string;
  report: BenchReport;
  ledgerFile: string;
}

/** `--report DIR` (default `reports/latest`): its report.json, validated, and its ledger. */
export function readRun(dirOption: string | undefined): RunOnDisk {
  const given = resolve(dirOption ?? 'reports/latest');
  if (!existsSync(join(given, REPORT_FILES.json))) {
    throw new UsageError(`no bench report in ${given}`, [dirOption === undefined ? 'run shopctl bench first, or name a run with --report DIR' : `expected ${join(given, REPORT_FILES.json)}`]);
  }
  const dir = realpathSync(given);
  const file = join(dir, REPORT_FILES.json);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const result = reportShape.safeParse(raw);
  if (!result.success) throw new UsageError(`${file} is not a shopctl bench report`, result.error.issues.slice(0, 5).map((i) => `${file}: ${describeIssue(i)}`));
  const report = raw as BenchReport;
  if (report.scenario === null || report.ledger === null) {
    throw new UsageError(`${file} is a calibration-only run: there is no scenario and no ledger to verify`);
  }
  const ledgerFile = join(dir, report.ledger.file);
  if (!existsSync(ledgerFile)) throw new UsageError(`${ledgerFile} is missing: the run's purchases cannot be audited without it`);
  return { dir, report, ledgerFile };
}
