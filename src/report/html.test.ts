import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { calibrationReport, capacity, faultReport, phases, sampleReport } from '../../test/support/report-fixture.js';
import { faultBands } from './fault-html.js';
import { errorsByOrigin } from '../bench/measurement.js';
import { latencyByPercentile, renderHtml } from './html.js';

/** The markup of one chart figure. */
function figure(html: string, id: string): string {
  const start = html.indexOf(`<figure id="chart-${id}">`);
  expect(start).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</figure>', start));
}

const seriesNames = (svg: string) => [...svg.matchAll(/data-series="([^"]*)"/g)].map((m) => m[1]);


describe('html report', () => {
  it('is one self-contained page: no script, nothing fetched', () => {
    const html = renderHtml(sampleReport(), { verdict: 'pass', exitCode: 0, checks: [] });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<link|@import|url\(/i);
  });

  it('shows each class p99 in the table and the cards', () => {
    const report = sampleReport();
    const p99 = report.classes.purchase_ok!.p99.toFixed(2);
    const html = renderHtml(report);
    expect(html).toMatch(new RegExp(`<tr><td>purchase_ok</td>(<td[^>]*>[^<]*</td>){4}<td>${p99.replace('.', '\\.')}</td>`));
    expect(html).toContain(`<div class="v">${p99} ms</div><div class="l">p99 purchase_ok</div>`);
  });

  it('shows a green banner, or a red one with the reasons', () => {
    expect(renderHtml(sampleReport())).toContain('<div class="trust ok">');
    const base = sampleReport();
    const html = renderHtml(sampleReport({ generator: { ...base.generator, trustworthy: false, reasons: ['event loop 97 % busy', 'dropped 1200 sends'] } }));
    expect(html).toContain('<div class="trust bad">');
    expect(html).toContain('<li>event loop 97 % busy</li><li>dropped 1200 sends</li>');
  });

  it('escapes text that comes from user files', () => {
    const base = sampleReport();
    const evil = '<b>evil</b>';
    const html = renderHtml(
      sampleReport({
        topology: { ...base.topology, name: evil, nodes: [{ name: evil, kind: 'app', role: 'app', port: 1 }] },
        resources: { ...base.resources, nodes: { [evil]: base.resources.generator } },
        server: { ...base.server!, dbMaxConnections: { [evil]: 3 } },
      }),
    );
    expect(html).not.toContain(evil);
    expect(html).toContain('&lt;b&gt;evil&lt;/b&gt;');
  });

  it('plots latency by percentile with one series per class that has a histogram', () => {
    const report = sampleReport();
    const chart = figure(renderHtml(report), 'latency-by-percentile');
    expect(seriesNames(chart)).toEqual(['view_hit', 'view_miss', 'purchase_ok', 'purchase_sold_out']);
    for (const label of ['50%', '90%', '99%', '99.9%', '99.99%']) expect(chart).toContain(`>${label}</text>`);
  });

  it('reads percentiles from the histogram in ms at x = 1/(1-p)', () => {
    const encoded = sampleReport().histograms.view_miss!;
    const points = latencyByPercentile(encoded);
    const at99 = points.find(([x]) => Math.abs(x - 100) < 1e-6);
    expect(at99?.[1]).toBe(decodeFromCompressedBase64(encoded).getValueAtPercentile(99) / 1000);
    expect(points.at(-1)?.[0]).toBeCloseTo(10_000);
  });

  it('draws p50 and p99 over time per class, marks the warm-up, and CPU per node with the generator', () => {
    const html = renderHtml(sampleReport());
    const overTime = figure(html, 'latency-over-time');
    expect(seriesNames(overTime)).toContain('view_hit p50');
    expect(seriesNames(overTime)).toContain('purchase_sold_out p99');
    expect(overTime).toContain('warm-up');
    expect(seriesNames(figure(html, 'cpu'))).toEqual(['lb', 'app1', 'app2', 'cache', 'db', 'generator']);
    expect(seriesNames(figure(html, 'throughput'))).toEqual(['rps']);
  });

  it('renders a calibration-only run', () => {
    const report = calibrationReport();
    const html = renderHtml(report);
    expect(html).toContain('none: calibration-only run');
    expect(html).toContain(`${report.classes.healthz!.p99.toFixed(2)} ms</div><div class="l">p99 healthz`);
    expect(html).toContain('<div class="v">5321.5 req/s</div><div class="l">ceiling</div>');
    expect(seriesNames(figure(html, 'latency-by-percentile'))).toEqual(['healthz']);
    expect(figure(html, 'throughput')).toContain('no data');
  });

  it('shows verify checks as a table, escaped', () => {
    const table = renderHtml(sampleReport(), { verdict: 'fail', exitCode: 1, checks: [{ name: 'no oversell', ok: true, detail: 'sold 4500 of 4500' }, { name: 'p99 < 50 ms', ok: false, detail: '<62 ms>' }] });
    expect(table).toContain('Verdict: <strong>fail</strong> (exit 1)');
    expect(table).toContain('<td>✓</td><td>no oversell</td><td>sold 4500 of 4500</td>');
    expect(table).toContain('<td>✗</td><td>p99 &lt; 50 ms</td><td>&lt;62 ms&gt;</td>');
    expect(renderHtml(sampleReport())).not.toContain('<h2>Verify</h2>');
  });

  it('tables where each class\'s time goes, and leaves the section out without a split', () => {
    const html = renderHtml({ ...sampleReport(), phases });
    expect(html).toContain('Where the time goes (ms)');
    expect(html).toMatch(/<td>purchase_ok<\/td><td>10<\/td><td>tx \(database primary\)<\/td><td>2\.00 \/ 5\.00<\/td><td>1\.00 \/ 3\.00<\/td><td><\/td><td>25\.50 \/ 80\.25<\/td>/);
    expect(renderHtml({ ...sampleReport(), phases: {} })).not.toContain('Where the time goes');
  });

  it('shows the capacity, the latency–throughput curve with p50 and p99 per class, and the steps', () => {
    const html = renderHtml({ ...sampleReport(), capacity });
    expect(html).toContain('<h2>Capacity</h2>');
    expect(html).toContain('every threshold held up to 750 req/s offered');
    expect(html).toMatch(/<figure id="chart-capacity">[\s\S]*Latency by offered rate[\s\S]*view_hit p99[\s\S]*purchase_ok p50/);
    expect(html).toMatch(/<td>1000<\/td><td>941\.0<\/td><td>no<\/td>/);
    expect(renderHtml(sampleReport())).not.toContain('chart-capacity');
  });

  it('tables the errors by origin, every reason', () => {
    const html = renderHtml({ ...sampleReport(), errorsByOrigin: errorsByOrigin({ 'app.overloaded': 7 }) });
    expect(html).toContain('Errors by origin');
    expect(html).toMatch(/<td>app<\/td><td>overloaded<\/td><td[^>]*>7<\/td>/);
    expect(html).toMatch(/<td>nginx<\/td><td>no_live_upstream<\/td><td[^>]*>0<\/td>/);
  });

  it('shades every fault on every time chart, labelled with its id', () => {
    const html = renderHtml(faultReport());
    for (const id of ['latency-over-time', 'throughput', 'errors', 'cpu']) {
      const bands = [...figure(html, id).matchAll(/<rect class="band fault" data-band="([^"]*)"/g)].map((m) => m[1]);
      expect(bands, id).toEqual(['fault 1 (kill)', 'fault 2 (partition)', 'fault 3 (pause)']);
      expect(figure(html, id)).toContain('>fault 2 (partition)</text>');
    }
    // Not on the charts without a time axis.
    expect(figure(html, 'latency-by-percentile')).not.toContain('band fault');
    expect(renderHtml(sampleReport())).not.toContain('band fault');
  });

  it("places the bands on each chart's clock: the load's for the series, the bench's for the CPU", () => {
    const report = faultReport();
    // Fault 3 was never healed: its band runs to the load's end.
    expect(faultBands(report, 'load').map((b) => [b.from, b.to])).toEqual([[20, 25.4], [40, 44], [60, 70]]);
    expect(faultBands(report, 'bench').map((b) => [b.from, b.to])).toEqual([[22.5, 27.9], [42.5, 46.5], [62.5, 72.5]]);
  });

  it('tables the faults, and leaves the section out of a run without faults', () => {
    const html = renderHtml(faultReport());
    expect(html).toContain('<h2>Faults</h2>');
    expect(html).toContain('<tr><td>1</td><td>kill</td><td>app1</td><td>20.0 s</td><td>25.0 s</td><td>25.4 s</td><td></td></tr>');
    expect(html).toContain('<tr><td>2</td><td>40.0 s – 44.0 s</td><td>purchase</td><td>450</td><td>0</td><td>0.00 %</td><td>app.unavailable 450</td><td>450</td></tr>');
    expect(html).toContain('<tr><td>3</td><td>view</td><td>not healed during the load</td><td>—</td><td>—</td><td>view_hit: p(99)&lt;50</td></tr>');
    expect(html).toContain('<tr><td>availability purchase</td><td>95.00 %</td></tr>');
    expect(renderHtml(sampleReport())).not.toContain('<h2>Faults</h2>');
  });
});
