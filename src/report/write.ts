import { mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from '../provision/atomic-write.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import type { BenchReport, VerifySummary } from './model.js';

export const REPORT_FILES = { json: 'report.json', markdown: 'report.md', html: 'report.html', ledger: 'ledger.ndjson', verify: 'verify.json' } as const;

/** A new run folder `<reports>/<run-id>/`; it must not exist yet, so no run overwrites another. */
export function createRunDir(reportsDir: string, runId: string): string {
  const dir = join(reportsDir, runId);
  mkdirSync(reportsDir, { recursive: true });
  mkdirSync(dir);
  return dir;
}

/** report.json, report.md and report.html, each written whole (temporary file, then rename). */
export function writeReport(dir: string, report: BenchReport, verify?: VerifySummary): void {
  writeFileAtomic(join(dir, REPORT_FILES.json), `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(join(dir, REPORT_FILES.markdown), renderMarkdown(report));
  writeFileAtomic(join(dir, REPORT_FILES.html), renderHtml(report, verify));
}

/** verify's verdict beside the report, and the HTML page drawn again to show it. */
export function writeVerify(dir: string, report: BenchReport, verify: VerifySummary): void {
  writeFileAtomic(join(dir, REPORT_FILES.verify), `${JSON.stringify(verify, null, 2)}\n`);
  writeFileAtomic(join(dir, REPORT_FILES.html), renderHtml(report, verify));
}

/** `<reports>/latest` → the newest run folder (a relative link, so the folder can be moved). */
export function pointLatestAt(dir: string): void {
  const link = join(dirname(dir), 'latest');
  const temporary = `${link}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  symlinkSync(basename(dir), temporary);
  renameSync(temporary, link);
}
