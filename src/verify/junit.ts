import type { VerifyResult } from './verdict.js';

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

interface Case {
  name: string;
  ok: boolean;
  message: string;
  body: string;
}

/**
 * JUnit XML for CI systems that show test reports: one suite for the thresholds, one for the
 * invariants (one testcase each, a failure carrying the evidence), one for the measurement.
 */
export function renderJunit(result: VerifyResult): string {
  const thresholds: Case[] = result.thresholds.map((t) => ({ name: t.threshold, ok: t.ok, message: t.detail, body: t.detail }));
  const invariants: Case[] =
    result.audit === null
      ? [{ name: 'audit', ok: false, message: result.unreachable ?? 'not run', body: result.unreachable ?? '' }]
      : result.audit.invariants.map((i) => ({
          name: `${i.id} ${i.name}`,
          ok: i.ok,
          message: `${i.violations} violation(s): ${i.checked}`,
          body: [i.checked, ...i.examples.map((e) => JSON.stringify(e))].join('\n'),
        }));
  const measurement: Case[] = [{ name: 'generator trustworthy', ok: result.generator.trustworthy, message: result.generator.reasons.join('; '), body: result.generator.reasons.join('\n') }];
  const suites = [suite('thresholds', thresholds), suite('invariants', invariants), suite('measurement', measurement)];
  const failures = [...thresholds, ...invariants, ...measurement].filter((c) => !c.ok).length;
  const tests = thresholds.length + invariants.length + measurement.length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="shopctl verify ${xml(result.runId)}" tests="${tests}" failures="${failures}" time="${(result.durationMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

function suite(name: string, cases: Case[]): string {
  const failures = cases.filter((c) => !c.ok).length;
  const body = cases
    .map((c) => {
      const inner = c.ok ? '' : `\n      <failure message="${xml(c.message)}">${xml(c.body)}</failure>\n    `;
      return `    <testcase classname="shopctl.verify.${name}" name="${xml(c.name)}">${inner}</testcase>`;
    })
    .join('\n');
  return `  <testsuite name="${name}" tests="${cases.length}" failures="${failures}">\n${body}\n  </testsuite>`;
}
