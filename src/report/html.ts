import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { ERROR_KINDS, ERROR_ORIGINS, type ErrorOrigin, type ErrorsByOrigin, type SecondSample } from '../bench/measurement.js';
import { AGENT_HEAD, agentRows, agentsSentence, capacitySentences, capacityTable, CLASS_ORDER, mib, orderedClasses, percent, phaseTable } from './format.js';
import type { CapacityRecord } from '../bench/capacity/find-capacity.js';
import { faultBands, faultSection } from './fault-html.js';
import { availabilityText } from './fault-tables.js';
import { esc, section, table, type Cell } from './html-parts.js';
import type { BenchReport, VerifySummary } from './model.js';
import { lineChart, type ChartBand, type ChartSeries } from './svg-chart.js';

/**
 * The run as one self-contained HTML page: inline CSS and SVG, no script and nothing fetched,
 * so it opens offline and from a CI artifact. Pure: returns the text.
 * `verify` is the verdict of `shopctl verify`, shown when given.
 */
export function renderHtml(report: BenchReport, verify?: VerifySummary): string {
  const scenario = report.scenario?.name ?? 'calibration only';
  const body = [
    header(report),
    trustBanner(report),
    verify === undefined ? '' : section('Verify', verifyHtml(verify)),
    cards(report),
    report.agents === undefined ? '' : section('Load agents', `<p>${esc(agentsSentence(report))}</p>\n${table(AGENT_HEAD, agentRows(report))}`),
    report.capacity === undefined ? '' : section('Capacity', capacityHtml(report.capacity)),
    section('Latency by class (ms)', latencyTable(report)),
    phaseSection(report),
    faultSection(report),
    section('Charts', charts(report)),
    section('Load and purchases', loadTable(report)),
    section('Errors by kind', table(['kind', 'count'], [...ERROR_KINDS.map((k) => [k, report.errors[k]]), ['total', errorTotal(report)]])),
    report.errorsByOrigin === undefined ? '' : section('Errors by origin', table(['origin', 'reason', 'count'], originRows(report.errorsByOrigin))),
    section('Server', serverTable(report)),
    section('Resources', resourcesTable(report)),
    section('Generator self-check', generatorTable(report)),
    section('Host', hostTable(report)),
  ];
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(`shopctl ${report.runId}: ${scenario}`)}</title>`,
    `<style>${CSS}</style></head><body>`,
    ...body.filter((b) => b !== ''),
    '</body></html>',
    '',
  ].join('\n');
}

const CSS = [
  'body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}',
  'h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}',
  '.meta{color:#555}.flag{background:#d62728;color:#fff;padding:1px 6px;border-radius:3px}',
  '.trust{padding:10px 14px;border-radius:4px;margin:14px 0}.trust.ok{background:#e3f4e1;border:1px solid #2ca02c}',
  '.trust.bad{background:#fbe3e3;border:1px solid #d62728}.trust ul{margin:4px 0 0}',
  '.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #ddd;border-radius:4px;padding:8px 12px;min-width:120px}',
  '.card .v{font-size:18px;font-weight:bold}.card .l{color:#666;font-size:12px}',
  'table{border-collapse:collapse}th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}',
  'td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}figure{margin:12px 0}pre{background:#f6f6f6;padding:8px;overflow:auto}',
].join('\n');

const ms = (v: number) => v.toFixed(2);
/** The search's outcome, the latency–throughput curve (p50 and p99 per class by offered rate) and its steps. */
function capacityHtml(c: CapacityRecord): string {
  const steps = [...c.steps].sort((a, b) => a.rate - b.rate);
  const series: ChartSeries[] = CLASS_ORDER.flatMap((cls) =>
    (['p50', 'p99'] as const).map((q) => ({ name: `${cls} ${q}`, points: steps.flatMap((s): [number, number][] => (s.classes[cls] ? [[s.rate, s.classes[cls][q]]] : [])) })),
  ).filter((x) => x.points.length > 0);
  const { head, rows } = capacityTable(c);
  const curve = lineChart({ title: 'Latency by offered rate', xLabel: 'offered (req/s)', yLabel: 'latency (ms)', series, logY: true });
  return [...capacitySentences(c).map((s) => `<p>${esc(s)}</p>`), `<figure id="chart-capacity">\n${curve}\n</figure>`, table(head, rows)].join('\n');
}

/** Where each class's time goes (Server-Timing), or nothing for a report without it. */
function phaseSection(r: BenchReport): string {
  const { head, rows } = phaseTable(r);
  if (rows.length === 0) return '';
  const note = '<p class="meta">p50 / p99 of each phase: edge = the client and nginx before and after the app; lb-connect = nginx connecting to the app; app-queue = waiting for the app to read the request; then the app\'s own phases (docs/report.md).</p>';
  return section('Where the time goes (ms)', `${note}\n${table(head, rows)}`);
}

/** Every origin and reason, counted or not, then the 4xx answers. */
function originRows(split: ErrorsByOrigin): Cell[][] {
  const rows: Cell[][] = (Object.keys(ERROR_ORIGINS) as ErrorOrigin[]).flatMap((origin) => Object.entries(split[origin] as Record<string, number>).map(([reason, n]) => [origin, reason, n]));
  return [...rows, ['4xx', 'any', split.http_4xx]];
}

const errorTotal = (r: BenchReport) => ERROR_KINDS.reduce((sum, k) => sum + r.errors[k], 0);

function header(r: BenchReport): string {
  const t = r.topology;
  const scenario = r.scenario ? `${r.scenario.name} (${r.scenario.file})` : 'none: calibration-only run';
  return [
    `<header><h1>shopctl bench ${esc(r.runId)}</h1>`,
    `<div class="meta">Scenario: ${esc(scenario)} · Topology: ${esc(t.name)} (strategy ${esc(t.strategy)}, lb ${esc(t.lb)}, ${t.nodes.length} nodes)</div>`,
    `<div class="meta">Started ${esc(r.startedAt)} · finished ${esc(r.finishedAt)}${r.interrupted ? ' · <span class="flag">interrupted</span>' : ''}</div></header>`,
  ].join('\n');
}

function trustBanner(r: BenchReport): string {
  const g = r.generator;
  const shared = g.sharedHost ? '<div>The load generator shares this host with the nodes it measures.</div>' : '';
  if (g.trustworthy) return `<div class="trust ok"><strong>Measurement trustworthy</strong>${shared}</div>`;
  const reasons = g.reasons.length ? g.reasons : ['no reason given'];
  return `<div class="trust bad"><strong>Measurement NOT trustworthy</strong><ul>${reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>${shared}</div>`;
}

function cards(r: BenchReport): string {
  const list: [string, string][] = [['throughput', `${r.throughput.rps.toFixed(1)} req/s`]];
  for (const [c, s] of orderedClasses(r)) list.push([`p99 ${c}`, `${ms(s.p99)} ms`]);
  list.push(['cache hit rate', percent(r.server?.cacheHitRate ?? null)], ['errors', String(errorTotal(r))], ['units sold', String(r.purchases.unitsSold)]);
  if (r.ceiling) list.push(['ceiling', `${r.ceiling.rps.toFixed(1)} req/s`]);
  return `<div class="cards">${list.map(([l, v]) => `<div class="card"><div class="v">${esc(v)}</div><div class="l">${esc(l)}</div></div>`).join('')}</div>`;
}

function latencyTable(r: BenchReport): string {
  const rows = orderedClasses(r).map(([c, s]): Cell[] => [c, s.count, ms(s.mean), ms(s.p50), ms(s.p90), ms(s.p99), ms(s.p999), ms(s.max)]);
  return rows.length ? table(['class', 'count', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max'], rows) : '<p>No requests measured.</p>';
}

const PERCENTILE_TICKS = [50, 90, 99, 99.9, 99.99].map((p) => ({ value: 1 / (1 - p / 100), label: `${p}%` }));

/**
 * Latency (ms) against 1/(1-p), the usual HdrHistogram plot: each decade on x is one more nine.
 * The histogram holds microseconds.
 */
export function latencyByPercentile(encoded: string): [number, number][] {
  const h = decodeFromCompressedBase64(encoded);
  if (h.totalCount === 0) return [];
  const points: [number, number][] = [];
  for (let i = 0; i <= 40; i++) {
    const x = 10 ** (i / 10);
    points.push([x, h.getValueAtPercentile(100 * (1 - 1 / x)) / 1000]);
  }
  return points;
}

/** The warm-up seconds, which the summary figures leave out. */
function warmupBands(series: SecondSample[]): ChartBand[] {
  const warm = series.filter((s) => s.warmup).map((s) => s.t);
  if (warm.length === 0) return [];
  const after = series.filter((s) => !s.warmup).map((s) => s.t);
  return [{ from: Math.min(...warm), to: after.length ? Math.min(...after) : Math.max(...warm), label: 'warm-up' }];
}

function charts(r: BenchReport): string {
  const s = r.series;
  // Every time chart shows the warm-up and each fault's window; the CPU chart counts from the bench's start.
  const bands = [...warmupBands(s), ...faultBands(r, 'load')];
  const classSeries: ChartSeries[] = CLASS_ORDER.flatMap((c) =>
    (['p50', 'p99'] as const).map((q) => ({ name: `${c} ${q}`, points: s.flatMap((x): [number, number][] => (x.classes[c] ? [[x.t, x.classes[c][q]]] : [])) })),
  ).filter((x) => x.points.length > 0);
  const percentileSeries = CLASS_ORDER.flatMap((c) => {
    const encoded = r.histograms[c];
    return encoded === undefined ? [] : [{ name: c, points: latencyByPercentile(encoded) }];
  });
  const throughput: ChartSeries[] = [{ name: 'rps', points: s.map((x) => [x.t, x.rps]) }];
  if (s.some((x) => x.dropped > 0)) throughput.push({ name: 'dropped sends', points: s.map((x) => [x.t, x.dropped]) });
  const usage = [...Object.entries(r.resources.nodes), ['generator', r.resources.generator] as const];
  const cpu = usage.map(([node, u]) => ({ name: node, points: u.series.map((x): [number, number] => [x.t, x.cpuPct]) }));
  const figures = [
    ['latency-over-time', lineChart({ title: 'p50 and p99 per class over time', xLabel: 't (s)', yLabel: 'latency (ms)', series: classSeries, logY: true, bands })],
    [
      'latency-by-percentile',
      lineChart({ title: 'Latency by percentile', xLabel: 'percentile', yLabel: 'latency (ms)', series: percentileSeries, logX: true, logY: true, xTicks: PERCENTILE_TICKS }),
    ],
    ['throughput', lineChart({ title: 'Throughput over time', xLabel: 't (s)', yLabel: 'per second', series: throughput, bands })],
    ['errors', lineChart({ title: 'Errors over time', xLabel: 't (s)', yLabel: 'errors per second', series: [{ name: 'errors', points: s.map((x) => [x.t, x.errors]) }], bands })],
    ['cpu', lineChart({ title: 'CPU per node', xLabel: 't (s)', yLabel: 'CPU % (100 = one core)', series: cpu, bands: faultBands(r, 'bench') })],
  ];
  return figures.map(([id, svg]) => `<figure id="chart-${id}">\n${svg}\n</figure>`).join('\n');
}

function loadTable(r: BenchReport): string {
  const l = r.load;
  const p = r.purchases;
  const rows: Cell[][] = [];
  if (l) rows.push(['model', l.model], ['connections', l.connections], ['rate asked (req/s)', l.rate], ['duration (s)', l.durationS], ['warm-up (s)', l.warmupS], ['timeout (s)', l.timeoutS], ['workers', l.workers]);
  rows.push(['throughput (req/s)', r.throughput.rps.toFixed(1)], ['requests', r.throughput.requests], ['measured (s)', r.throughput.measuredS.toFixed(2)]);
  if (r.availability) rows.push(['availability view', availabilityText(r.availability.view.availability)], ['availability purchase', availabilityText(r.availability.purchase.availability)]);
  rows.push(['purchases attempted', p.attempted], ['acknowledged', p.acknowledged], ['failed', p.failed], ['unknown', p.unknown], ['units sold', p.unitsSold]);
  if (r.ledger) rows.push(['ledger', r.ledger.file], ['ledger units sold', r.ledger.unitsSold]);
  if (r.ceiling) {
    const c = r.ceiling;
    rows.push(['ceiling (req/s)', c.rps.toFixed(1)], ['ceiling connections', c.connections], ['ceiling p99 (ms)', ms(c.latency.p99)]);
    if (l && c.rps > 0) rows.push(['throughput / ceiling', (r.throughput.rps / c.rps).toFixed(2)]);
  }
  return table(['figure', 'value'], rows);
}

function serverTable(r: BenchReport): string {
  const s = r.server;
  if (s === null) return '<p>Not collected.</p>';
  const rows: Cell[][] = [
    ['cache hit rate (apps)', percent(s.cacheHitRate)],
    ['cache hit rate (client)', percent(s.clientCacheHitRate)],
    ['lock waits', s.lockWaits.count],
    ['lock wait mean (ms)', s.lockWaits.meanMs === null ? null : ms(s.lockWaits.meanMs)],
    ['lock timeouts', s.lockTimeouts],
    ['pool wait timeouts', s.poolWaitTimeouts],
    ...Object.entries(s.dbMaxConnections).map(([node, n]): Cell[] => [`max connections ${node}`, n]),
    ...s.problems.map((p): Cell[] => ['problem', p]),
  ];
  return table(['figure', 'value'], rows);
}

function resourcesTable(r: BenchReport): string {
  const usage = [...Object.entries(r.resources.nodes), ['generator', r.resources.generator] as const];
  const rows = usage.map(([node, u]): Cell[] => [node, u.pid, u.cpuMeanPct.toFixed(1), u.cpuMaxPct.toFixed(1), mib(u.rssMaxBytes)]);
  return table(['node', 'pid', 'cpu mean %', 'cpu max %', 'max RSS MiB'], rows);
}

function generatorTable(r: BenchReport): string {
  const g = r.generator;
  const elu = g.eventLoopUtilization.map((u) => `${(u * 100).toFixed(0)} %`).join(', ');
  return table(
    ['check', 'value'],
    [
      ['trustworthy', g.trustworthy ? 'yes' : 'no'],
      ['shares the host', g.sharedHost ? 'yes' : 'no'],
      ['file limit', g.fileLimit],
      ['connections asked / peak', `${g.connectionsAsked} / ${g.connectionsPeak}`],
      ['connect errors', g.connectErrors],
      ['rate asked / achieved (req/s)', `${g.rateAsked ?? 'n/a'} / ${g.rateAchieved.toFixed(1)}`],
      ['dropped sends', g.dropped],
      ['send lag p99 (ms)', g.sendLagP99 === null ? null : ms(g.sendLagP99)],
      ['event loop busy per worker', elu || null],
      ['generator cpu mean %', g.cpuMeanPct.toFixed(1)],
    ],
  );
}

function hostTable(r: BenchReport): string {
  const h = r.host;
  const rows: Cell[][] = [['hostname', h.hostname], ['os', h.os], ['cores', h.cores], ['memory (GiB)', (h.memoryBytes / 2 ** 30).toFixed(1)], ['node', h.node]];
  return table(['host', 'value'], [...rows, ...Object.entries(h.versions).map(([name, v]): Cell[] => [name, v])]);
}

/** verify's checks, one row each: every threshold, the measurement's trust, every invariant. */
function verifyHtml(v: VerifySummary): string {
  const rows = v.checks.map((c): Cell[] => [c.ok ? '✓' : '✗', c.name, c.detail]);
  return `<p>Verdict: <strong>${esc(v.verdict)}</strong> (exit ${v.exitCode})</p>\n${table(['ok', 'check', 'detail'], rows)}`;
}
