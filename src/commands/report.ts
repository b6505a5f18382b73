import { Argument } from 'commander';
import { z } from 'zod';
import { describeErrorsByOrigin } from '../bench/measurement.js';
import { ExitCode } from '../errors.js';
import { mergeAgentRuns } from '../report/merge-agents.js';
import type { BenchReport } from '../report/model.js';
import { writeErr } from '../ui/terminal.js';
import { parseOptions, type CommandSpec } from './command.js';

const options = z.object({
  out: z.string().min(1, 'expected a folder'),
  json: z.boolean().default(false),
});

export const reportCommand: CommandSpec = {
  name: 'report',
  summary: "work on reports: merge (the load agents' folders of one run into one report that verify judges; exit 4: not every agent could be trusted)",
  configure: (c) =>
    c
      .addArgument(new Argument('<action>', 'what to do').choices(['merge']))
      .addArgument(new Argument('<dirs...>', "the agents' folders (bench --agent I/N --out DIR), every agent of the run"))
      .requiredOption('--out <dir>', 'folder for the merged report (new or empty)')
      .option('--json', 'print the merged report.json on stdout'),
  async action(_action, dirs, raw) {
    const opts = parseOptions(options, raw);
    const { report, dir } = await mergeAgentRuns(dirs as string[], opts.out);
    writeErr(summary(report, dir));
    if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report.generator.trustworthy ? ExitCode.ok : ExitCode.untrustedMeasurement;
  },
};

function summary(report: BenchReport, dir: string): string {
  const agents = report.agents ?? [];
  const lines = [`merged ${agents.length} agents of run ${report.runId}: ${dir}/report.html (report.json, report.md, ledger.ndjson)`];
  for (const a of agents) lines.push(`  agent ${a.index} (${a.hostname}, ${a.cores} cores): ${a.throughput.rps} requests/s, ${a.purchases.acknowledged} purchases acknowledged${a.trustworthy ? '' : ' — NOT trustworthy'}`);
  lines.push(`throughput: ${report.throughput.rps} requests/s over ${report.throughput.measuredS}s`);
  for (const [cls, s] of Object.entries(report.classes)) lines.push(`  ${cls.padEnd(18)} n=${s.count} p50 ${s.p50} ms  p99 ${s.p99} ms  max ${s.max} ms`);
  if (report.errorsByOrigin !== undefined) lines.push(`errors by origin: ${describeErrorsByOrigin(report.errorsByOrigin)}`);
  lines.push(`purchases: ${report.purchases.acknowledged} acknowledged, ${report.purchases.failed} failed, ${report.purchases.unknown} unknown`);
  lines.push(report.generator.trustworthy ? 'generator: trustworthy (every agent, and all together)' : `generator: NOT trustworthy (exit 4):\n  ${report.generator.reasons.join('\n  ')}`);
  lines.push(`next: shopctl verify --report ${dir}`);
  return lines.join('\n');
}
