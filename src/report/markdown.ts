import { ERROR_KINDS, describeErrorsByOrigin } from '../bench/measurement.js';
import { appEventsTable, availabilityTable, availabilityText, faultNotes, recoveryTable, timelineTable, windowTable, type TextTable } from './fault-tables.js';
import { AGENT_HEAD, agentRows, agentsSentence, capacitySentences, capacityTable, ceilingRatio, mib, orderedClasses, percent, phaseTable } from './format.js';
import type { BenchReport } from './model.js';

/** The run as Markdown for a terminal, a PR comment or an issue. Pure: returns the text. */
export function renderMarkdown(report: BenchReport): string {
  return [title(report), trust(report), capacity(report), load(report), agents(report), latency(report), phases(report), outcome(report), faults(report), server(report), ceiling(report), resources(report), host(report)]
    .flat()
    .join('\n')
    .concat('\n');
}

// User files name scenarios, topologies and nodes: escape what Markdown would read as markup.
function text(value: string): string {
  return value.replace(/[\\`*<>[\]|]/g, '\\$&').replace(/\s*\n\s*/g, ' ');
}

const fixed = (v: number) => v.toFixed(2);

function table(head: string[], rows: string[][], numericFrom = 1): string[] {
  const align = head.map((_, i) => (i >= numericFrom ? '---:' : '---'));
  return [head, align, ...rows].map((r) => `| ${r.join(' | ')} |`);
}

function title(r: BenchReport): string[] {
  const scenario = r.scenario ? text(r.scenario.name) : 'calibration only';
  const t = r.topology;
  const lines = [
    `# shopctl bench ${text(r.runId)}: ${scenario}`,
    '',
    `Topology ${text(t.name)} (strategy ${text(t.strategy)}, load balancer ${text(t.lb)}, ${t.nodes.length} nodes), seed ${r.seed}.`,
    `Started ${r.startedAt}, finished ${r.finishedAt}${r.interrupted ? ' (**interrupted**: the figures cover the run until then)' : ''}.`,
  ];
  if (r.scenario) lines.push(`Scenario file ${text(r.scenario.file)}${r.scenario.overrides.length ? `, overrides: ${r.scenario.overrides.map(text).join(', ')}` : ''}.`);
  return lines;
}

function trust(r: BenchReport): string[] {
  const g = r.generator;
  const lines = [''];
  if (g.sharedHost) lines.push('The load generator shares this host with the nodes it measures: it competes with them for the same cores.', '');
  lines.push(g.trustworthy ? '**TRUST: trustworthy**' : `**TRUST: NOT trustworthy**: ${g.reasons.length ? g.reasons.map(text).join('; ') : 'no reason given'}`);
  return lines;
}

function load(r: BenchReport): string[] {
  const l = r.load;
  const lines = ['', '## Load', ''];
  if (l === null) lines.push('No scenario load (calibration-only run).');
  else {
    const shape = l.model === 'open' ? `open model at ${l.rate ?? '?'} req/s, up to ${l.connections} in flight` : `closed model, ${l.connections} connections`;
    lines.push(`${shape}; ${l.durationS} s measured after ${l.warmupS} s warm-up; timeout ${l.timeoutS} s; ${l.workers} worker(s).`);
  }
  const t = r.throughput;
  lines.push('', `Throughput: **${fixed(t.rps)} req/s** (${t.requests} requests over ${fixed(t.measuredS)} s measured).`);
  return lines;
}

/** `report merge`: each load agent's share beside the merged figures. */
function agents(r: BenchReport): string[] {
  if (r.agents === undefined) return [];
  return ['', '## Load agents', '', agentsSentence(r), '', ...table(AGENT_HEAD, agentRows(r).map((row) => row.map(text)))];
}

function latency(r: BenchReport): string[] {
  const rows = orderedClasses(r).map(([c, s]) => [c, String(s.count), fixed(s.mean), fixed(s.p50), fixed(s.p90), fixed(s.p99), fixed(s.p999), fixed(s.max)]);
  const lines = ['', '## Latency (ms)', ''];
  return rows.length ? [...lines, ...table(['class', 'count', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max'], rows)] : [...lines, 'No requests measured.'];
}

function capacity(r: BenchReport): string[] {
  const c = r.capacity;
  if (c === undefined) return [];
  const { head, rows } = capacityTable(c);
  return ['', '## Capacity', '', ...capacitySentences(c).map(text), '', ...table(head.map(text), rows.map((row) => row.map(text)), 1)];
}

function phases(r: BenchReport): string[] {
  const { head, rows } = phaseTable(r);
  if (rows.length === 0) return [];
  return ['', '## Where the time goes (ms, p50 / p99 per phase)', '', ...table(head.map(text), rows, 3)];
}

function outcome(r: BenchReport): string[] {
  const errors = ERROR_KINDS.filter((k) => r.errors[k] > 0).map((k) => `${k} ${r.errors[k]}`);
  const p = r.purchases;
  return [
    '',
    '## Errors and purchases',
    '',
    `Errors: ${errors.length ? errors.join(', ') : 'none'}.`,
    ...(r.errorsByOrigin === undefined ? [] : [`Errors by origin: ${describeErrorsByOrigin(r.errorsByOrigin)}.`]),
    `Purchases: ${p.attempted} attempted, ${p.acknowledged} acknowledged, ${p.failed} failed, ${p.unknown} unknown; ${p.unitsSold} units sold.`,
    ...(r.availability === undefined ? [] : [`Availability (definite answers over requests sent, measured window): view ${availabilityText(r.availability.view.availability)}, purchase ${availabilityText(r.availability.purchase.availability)}.`]),
    r.ledger
      ? `Ledger ${text(r.ledger.file)}: ${r.ledger.attempted} attempted, ${r.ledger.acknowledged} acknowledged, ${r.ledger.failed} failed, ${r.ledger.unknown} unknown; ${r.ledger.unitsSold} units sold.`
      : 'Ledger: none written.',
  ];
}

/** The faults injected during the load: the timeline, each window's requests, the recovery, the measured window. */
function faults(r: BenchReport): string[] {
  const f = r.faults;
  if (f === undefined) return [];
  const part = (title: string, t: TextTable) => ['', `### ${title}`, '', ...table(t.head.map(text), t.rows.map((row) => row.map(text)), t.head.length)];
  return [
    '',
    '## Faults',
    '',
    ...faultNotes(r).flatMap((note, i) => (i === 0 ? [text(note)] : ['', text(note)])),
    ...part('Timeline', timelineTable(f)),
    ...part("Requests sent in each fault's window", windowTable(f)),
    ...part('Recovery', recoveryTable(f)),
    ...part('The measured window', availabilityTable(r)),
    ...(f.appEvents === undefined || f.appEvents.length === 0 ? [] : part('What the apps logged', appEventsTable(f))),
  ];
}

function server(r: BenchReport): string[] {
  const s = r.server;
  if (s === null) return ['', '## Server', '', 'Not collected.'];
  const db = Object.entries(s.dbMaxConnections).map(([node, n]) => `${text(node)} ${n ?? 'n/a'}`);
  const lines = [
    '',
    '## Server',
    '',
    `- cache hit rate (apps): ${percent(s.cacheHitRate)}; seen by the client: ${percent(s.clientCacheHitRate)}`,
    `- lock waits: ${s.lockWaits.count}${s.lockWaits.meanMs === null ? '' : `, mean ${fixed(s.lockWaits.meanMs)} ms`}; lock timeouts: ${s.lockTimeouts}; pool wait timeouts: ${s.poolWaitTimeouts}`,
    `- database max connections: ${db.length ? db.join(', ') : 'n/a'}`,
  ];
  if (s.problems.length) lines.push(`- problems: ${s.problems.map(text).join('; ')}`);
  return lines;
}

function ceiling(r: BenchReport): string[] {
  const c = r.ceiling;
  if (c === null) return [];
  const ratio = ceilingRatio(r);
  const lines = [
    '',
    '## Ceiling',
    '',
    `GET /healthz through the load balancer: **${fixed(c.rps)} req/s** with ${c.connections} connections over ${c.durationS} s (p99 ${fixed(c.latency.p99)} ms).`,
  ];
  if (ratio !== null) lines.push(`Throughput / ceiling: ${fixed(ratio)} (${fixed(r.throughput.rps)} / ${fixed(c.rps)} req/s).`);
  return lines;
}

function resources(r: BenchReport): string[] {
  const usage = [...Object.entries(r.resources.nodes), ['generator', r.resources.generator] as const];
  const rows = usage.map(([node, u]) => [text(node), u.cpuMeanPct.toFixed(1), u.cpuMaxPct.toFixed(1), mib(u.rssMaxBytes)]);
  return ['', `## Resources (sampled every ${r.resources.intervalS} s)`, '', ...table(['node', 'cpu mean %', 'cpu max %', 'max RSS MiB'], rows)];
}

function host(r: BenchReport): string[] {
  const h = r.host;
  const versions = Object.entries(h.versions).map(([name, v]) => `${text(name)} ${v === null ? 'n/a' : text(v)}`);
  return [
    '',
    '## Host',
    '',
    `${text(h.hostname)} (${text(h.os)}): ${h.cores} cores, ${(h.memoryBytes / 2 ** 30).toFixed(1)} GiB, Node ${text(h.node)}.`,
    `Versions: ${versions.length ? versions.join(', ') : 'n/a'}.`,
  ];
}
