import { describe, expect, it } from 'vitest';
import { calibrationReport, capacity, faultReport, phases, sampleReport } from '../../test/support/report-fixture.js';
import { errorsByOrigin } from '../bench/measurement.js';
import { renderMarkdown } from './markdown.js';


/** The cells of the table row whose first cell is `first`. */
function row(markdown: string, first: string): string[] | undefined {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${first} |`));
  return line?.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
}

const agent = (index: number, trustworthy: boolean) => ({
  index,
  dir: `/tmp/agent-${index}`,
  hostname: `load-${index}`,
  cores: 16,
  startedAt: '2026-11-26T10:00:00.000Z',
  finishedAt: '2026-11-26T10:01:00.000Z',
  load: { model: 'open' as const, connections: 20, rate: 100, durationS: 4, warmupS: 1, timeoutS: 10, workers: 2 },
  throughput: { rps: 99.5, requests: 398, measuredS: 4 },
  classes: {},
  errors: 0,
  purchases: { attempted: 80, acknowledged: 79, failed: 1, unknown: 0, unitsSold: 100 },
  trustworthy,
  reasons: trustworthy ? [] : ['sent 80.0 requests/s of the 100/s asked'],
});

describe('markdown report', () => {
  it("a merged run has a table of its load agents, each agent's share and trust", () => {
    const md = renderMarkdown({ ...sampleReport(), agents: [agent(0, true), agent(1, false)] });
    expect(md).toContain('## Load agents');
    expect(row(md, '0')).toEqual(['0', 'load-0 (16 cores)', '100.00 req/s', '99.50', '398', '79', '0', 'yes']);
    expect(row(md, '1')?.at(-1)).toBe('no: sent 80.0 requests/s of the 100/s asked');
    expect(renderMarkdown(sampleReport())).not.toContain('## Load agents');
  });

  it('gives each class its count and percentiles in ms, in the design order', () => {
    const report = sampleReport();
    const md = renderMarkdown(report);
    const hit = report.classes.view_hit!;
    expect(row(md, 'view_hit')).toEqual([
      'view_hit',
      String(hit.count),
      hit.mean.toFixed(2),
      hit.p50.toFixed(2),
      hit.p90.toFixed(2),
      hit.p99.toFixed(2),
      hit.p999.toFixed(2),
      hit.max.toFixed(2),
    ]);
    expect(md.indexOf('| view_hit |')).toBeLessThan(md.indexOf('| view_miss |'));
    expect(md.indexOf('| purchase_ok |')).toBeLessThan(md.indexOf('| purchase_sold_out |'));
  });

  it('names the run and scenario, and says the generator shares the host', () => {
    const md = renderMarkdown(sampleReport());
    expect(md).toMatch(/^# shopctl bench 20240501-120000-ab12: flash-sale\n/);
    expect(md).toContain('**TRUST: trustworthy**');
    expect(md).toContain('shares this host');
    expect(renderMarkdown(sampleReport({ generator: { ...sampleReport().generator, sharedHost: false } }))).not.toContain('shares this host');
  });

  it('says why a measurement cannot be trusted', () => {
    const base = sampleReport();
    const md = renderMarkdown(sampleReport({ generator: { ...base.generator, trustworthy: false, reasons: ['event loop 97 % busy', 'file limit 1024 below 2000 connections'] } }));
    expect(md).toContain('**TRUST: NOT trustworthy**: event loop 97 % busy; file limit 1024 below 2000 connections');
  });

  it('lists only the error kinds that happened, or none', () => {
    expect(renderMarkdown(sampleReport())).toContain('Errors: timeout 3, reset 1.');
    const clean = sampleReport({ errors: { connect: 0, timeout: 0, reset: 0, http_5xx: 0, http_4xx: 0, aborted: 0 } });
    expect(renderMarkdown(clean)).toContain('Errors: none.');
  });

  it('shows server figures as percentages and the resources with a generator row', () => {
    const md = renderMarkdown(sampleReport());
    expect(md).toContain('cache hit rate (apps): 83.2 %; seen by the client: 83.0 %');
    expect(md).toContain('database max connections: db 21');
    expect(row(md, 'db')?.[3]).toBe('512.0');
    expect(row(md, 'generator')).toBeDefined();
    expect(md).toContain('2 cores, 8.0 GiB, Node v20.11.1');
  });

  it('compares the scenario with the ceiling when both ran', () => {
    const base = sampleReport();
    const md = renderMarkdown(sampleReport({ ceiling: { rps: 4000, connections: 64, durationS: 10, latency: base.classes.view_hit!, errors: {} } }));
    expect(md).toContain('Throughput / ceiling: 0.25 (1000.00 / 4000.00 req/s)');
  });

  it('renders a calibration-only run: no scenario, no load, only healthz', () => {
    const report = calibrationReport();
    const md = renderMarkdown(report);
    expect(md).toContain(': calibration only');
    expect(md).toContain('No scenario load (calibration-only run).');
    expect(row(md, 'healthz')?.[5]).toBe(report.classes.healthz!.p99.toFixed(2));
    expect(row(md, 'view_hit')).toBeUndefined();
    expect(md).toContain('**5321.50 req/s**');
    expect(md).not.toContain('Throughput / ceiling');
    expect(md).toContain('Server\n\nNot collected.');
    expect(md).toContain('Ledger: none written.');
  });

  it('keeps user text from breaking the tables or becoming markup', () => {
    const base = sampleReport();
    const md = renderMarkdown(sampleReport({ resources: { ...base.resources, nodes: { 'a|b <i>x</i>': base.resources.generator } } }));
    expect(row(md, 'a\\|b \\<i\\>x\\</i\\>')).toHaveLength(4);
    expect(md).not.toContain('<i>');
  });

  it('tables where each class\'s time goes: the phases any class has, p50 / p99, the dominant one with its tier', () => {
    const markdown = renderMarkdown({ ...sampleReport(), phases });
    expect(markdown).toContain('## Where the time goes (ms, p50 / p99 per phase)');
    const section = markdown.slice(markdown.indexOf('## Where'));
    expect(row(section, 'class')).toEqual(['class', 'answers', 'dominated by', 'edge', 'app-queue', 'near', 'tx', 'app-other']);
    expect(row(section, 'purchase_ok')).toEqual(['purchase_ok', '10', 'tx (database primary)', '2.00 / 5.00', '1.00 / 3.00', '', '25.50 / 80.25', '']);
    expect(renderMarkdown(sampleReport())).not.toContain('Where the time goes');
  });

  it('states the capacity found, Little\'s law, and the steps by rate; an ordinary run has no such section', () => {
    const markdown = renderMarkdown({ ...sampleReport(), capacity });
    expect(markdown).toContain('## Capacity');
    expect(markdown).toContain('Capacity: every threshold held up to 750 req/s offered; 1000 req/s failed; stopped by the 25 s budget after 3 steps of 1 s warm-up + 2 s measured.');
    expect(markdown).toContain("Little's law: 6000 concurrent requests at the design's ~15 ms mean imply 400000 req/s; the capacity measured is 375 req/s per app server (2 apps).");
    const section = markdown.slice(markdown.indexOf('## Capacity'));
    expect(row(section, 'offered req/s')).toEqual(['offered req/s', 'achieved req/s', 'held', 'view_hit p99', 'purchase_ok p99', 'failed']);
    expect(row(section, '750')).toEqual(['750', '748.2', 'yes', '20.00', '120.00', '']);
    expect(row(section, '1000')).toEqual(['1000', '941.0', 'no', '400.00', '2500.00', 'purchase p(99) = 2500.00 ms (fails \\< 2000)']);
    expect(renderMarkdown(sampleReport())).not.toContain('## Capacity');
  });

  it('splits the errors by origin, counted reasons only, and leaves the line out of an older report', () => {
    const report = { ...sampleReport(), errorsByOrigin: errorsByOrigin({ 'app.overloaded': 7, 'nginx.upstream_timeout': 1, 'client.reset': 2, http_4xx: 3 }) };
    expect(renderMarkdown(report)).toContain('Errors by origin: nginx upstream_timeout 1, app overloaded 7, client reset 2, 4xx 3.');
    const { errorsByOrigin: _absent, ...older } = report;
    expect(renderMarkdown(older)).not.toContain('Errors by origin');
  });

  it('tables the faults: the timeline, each window per route, the recovery, the measured window', () => {
    const md = renderMarkdown(faultReport());
    const section = md.slice(md.indexOf('## Faults'), md.indexOf('## Server'));
    expect(section).toContain('### Timeline');
    expect(row(section, '3')).toEqual(['3', 'pause', 'cache', '60.0 s', '—', '—', 'resume failed: no such process']);
    const windows = section.slice(section.indexOf("### Requests sent in each fault's window"), section.indexOf('### Recovery'));
    expect(row(windows, '2')).toEqual(['2', '40.0 s – 44.0 s', 'view', '4000', '3900', '97.50 %', 'app.unavailable 100', '']);
    expect(windows).toContain('| 1 | 20.0 s – 25.4 s | purchase | 600 | 300 | 50.00 % | client.reset 280, nginx.upstream_connect_failed 20 | 280 |');
    const recovery = section.slice(section.indexOf('### Recovery'), section.indexOf('### The measured window'));
    expect(recovery).toContain('| 1 | view | 25.0 s | 30 ms | 1000 ms | view_hit: p(99)\\<50 |');
    expect(recovery).toContain('| 1 | purchase | 25.0 s | 1500 ms | not timed | none in the scenario |');
    expect(recovery).toContain('| 3 | view | not healed during the load | — | — | view_hit: p(99)\\<50 |');
    expect(row(section.slice(section.indexOf('### The measured window')), 'purchase')).toEqual(['purchase', '6000', '5700', '95.00 %', 'app.unavailable 300', '250']);
    expect(section).toContain('Closed model: a stalled server holds its connections');
    expect(md).toContain('Availability (definite answers over requests sent, measured window): view 94.44 %, purchase 95.00 %.');
  });

  it('lists what the apps logged during the faults, and says how many were left out', () => {
    const report = faultReport(1);
    report.faults = { ...report.faults!, appEvents: [{ atMs: 20_300, node: 'app1', event: 'dependency_lost', detail: 'dependency=redis' }], appEventsLeftOut: 4 };
    const logged = renderMarkdown(report).split('### What the apps logged')[1] ?? '';
    expect(logged).toContain('| 20.3 s | app1 | dependency_lost | dependency=redis |');
    expect(logged).toContain('… 4 more');
    expect(renderMarkdown(faultReport(1))).not.toContain('What the apps logged');
  });

  it('has no faults section for a run without faults, and escapes what the timeline names', () => {
    expect(renderMarkdown(sampleReport())).not.toContain('## Faults');
    const report = faultReport(1);
    report.faults!.timeline[0] = { ...report.faults!.timeline[0]!, target: 'app|<b>' };
    expect(renderMarkdown(report)).toContain('| 1 | kill | app\\|\\<b\\> |');
  });
});
