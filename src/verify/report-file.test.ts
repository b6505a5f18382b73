import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { faultReport, sampleReport } from '../../test/support/report-fixture.js';
import { UsageError } from '../errors.js';
import type { BenchReport } from '../report/model.js';
import { readRun } from './report-file.js';

const root = mkdtempSync(join(tmpdir(), 'shopctl-report-file-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A run folder with `report` as its report.json and an empty ledger. */
function runDir(name: string, report: BenchReport): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'report.json'), JSON.stringify({ ...report, ledger: { ...report.ledger, file: 'ledger.ndjson' } }));
  writeFileSync(join(dir, 'ledger.ndjson'), '');
  return dir;
}

describe('reading a run for verify', () => {
  it('reads a report with faults, and one written before them', () => {
    expect(readRun(runDir('faults', faultReport())).report.faults?.windows).toHaveLength(3);
    expect(readRun(runDir('older', sampleReport())).report.faults).toBeUndefined();
  });

  it('refuses a faults section the recovery thresholds could not read (64)', () => {
    const report = faultReport();
    const broken = { ...report, faults: { ...report.faults!, windows: [{ id: 1, routes: {} }] } } as unknown as BenchReport;
    expect(() => readRun(runDir('broken', broken))).toThrow(UsageError);
    expect(() => readRun(join(root, 'broken'))).toThrow(/is not a shopctl bench report/);
  });
});
