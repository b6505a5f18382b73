/**
 * A tiny SVG line chart. It has no dependencies, so the HTML report stays one file that
 * opens offline and can be attached to an issue as it is.
 */

export interface ChartSeries {
  name: string;
  points: [number, number][];
}

export interface ChartTick {
  value: number;
  label: string;
}

/** A shaded x range: the warm-up seconds that the summary leaves out, or a fault's window. */
export interface ChartBand {
  from: number;
  to: number;
  label: string;
  /** A fault's window is drawn in translucent red, so overlapping faults show through each other. */
  kind?: 'warmup' | 'fault';
  /** The label's line from the top (0 first), so the labels of overlapping bands stay apart. */
  row?: number;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  logX?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
  /** Fixed x ticks; the x range then always covers them. */
  xTicks?: ChartTick[];
  bands?: ChartBand[];
}

interface Axis {
  lo: number;
  hi: number;
  log: boolean;
  ticks: ChartTick[];
}

// Tableau 10: colours that stay apart on white; further series get golden-angle hues.
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const MARGIN = { left: 62, right: 170, top: 28, bottom: 44 };

export function seriesColor(index: number): string {
  return PALETTE[index] ?? `hsl(${(index * 137.5) % 360} 65% 40%)`;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML and SVG alike: names in a report come from user files. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

export function lineChart(options: LineChartOptions): string {
  const { title, xLabel, yLabel, logX = false, logY = false, width = 720, height = 320 } = options;
  const usable = ([x, y]: [number, number]) => Number.isFinite(x) && Number.isFinite(y) && (!logX || x > 0) && (!logY || y > 0);
  const series = options.series.map((s) => ({ name: s.name, points: s.points.filter(usable) }));
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return noData(title, width);

  const fixedX = (options.xTicks ?? []).filter((t) => !logX || t.value > 0);
  const xAxis = axis([...all.map((p) => p[0]), ...fixedX.map((t) => t.value)], logX, false, options.xTicks ? fixedX : undefined);
  // A linear y axis starts at zero, so a small change does not look like a cliff.
  const yAxis = axis(all.map((p) => p[1]), logY, !logY, undefined);
  const [x0, x1, y0, y1] = [MARGIN.left, width - MARGIN.right, height - MARGIN.bottom, MARGIN.top];
  const sx = (v: number) => x0 + frac(xAxis, v) * (x1 - x0);
  const sy = (v: number) => y0 - frac(yAxis, v) * (y0 - y1);
  const n = (v: number) => v.toFixed(1);

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeMarkup(title)}" font-family="sans-serif" font-size="11">`,
    `<text x="${x0}" y="16" font-size="13" font-weight="bold">${escapeMarkup(title)}</text>`,
  ];
  for (const band of options.bands ?? []) {
    const from = sx(Math.max(band.from, xAxis.lo));
    const to = sx(Math.min(band.to, xAxis.hi));
    if (to <= from) continue;
    const fault = band.kind === 'fault';
    const fill = fault ? 'fill="#d62728" fill-opacity="0.12"' : 'fill="#f0f0f0"';
    out.push(`<rect class="band${fault ? ' fault' : ''}" data-band="${escapeMarkup(band.label)}" x="${n(from)}" y="${y1}" width="${n(to - from)}" height="${y0 - y1}" ${fill}/>`);
    out.push(`<text x="${n(from + 3)}" y="${y1 + 12 * (1 + (band.row ?? 0))}" fill="${fault ? '#a51d1d' : '#777'}">${escapeMarkup(band.label)}</text>`);
  }
  for (const t of xAxis.ticks) {
    const x = n(sx(t.value));
    out.push(`<line x1="${x}" y1="${y1}" x2="${x}" y2="${y0}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${x}" y="${y0 + 14}" text-anchor="middle">${escapeMarkup(t.label)}</text>`);
  }
  for (const t of yAxis.ticks) {
    const y = n(sy(t.value));
    out.push(`<line x1="${x0}" y1="${y}" x2="${x1}" y2="${y}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${x0 - 5}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeMarkup(t.label)}</text>`);
  }
  out.push(`<path d="M${x0} ${y1}V${y0}H${x1}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${(x0 + x1) / 2}" y="${height - 8}" text-anchor="middle">${escapeMarkup(xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">${escapeMarkup(yLabel)}</text>`);

  series.forEach((s, i) => {
    const color = seriesColor(i);
    const name = escapeMarkup(s.name);
    const d = s.points.map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${n(sx(x))} ${n(sy(y))}`).join('');
    const [only] = s.points;
    const mark = s.points.length === 1 && only ? `<circle cx="${n(sx(only[0]))}" cy="${n(sy(only[1]))}" r="3" fill="${color}"/>` : '';
    out.push(`<g class="series" data-series="${name}"><title>${name}</title><path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"/>${mark}</g>`);
    const ly = y1 + 6 + i * 16;
    out.push(`<rect x="${x1 + 12}" y="${ly - 5}" width="14" height="3" fill="${color}"/><text x="${x1 + 30}" y="${ly}" dominant-baseline="middle">${name}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

function noData(title: string, width: number): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart no-data" viewBox="0 0 ${width} 60" width="${width}" height="60" role="img" aria-label="${escapeMarkup(title)}" font-family="sans-serif" font-size="11">`,
    `<text x="10" y="20" font-size="13" font-weight="bold">${escapeMarkup(title)}</text>`,
    `<text x="10" y="44" fill="#777">no data</text>`,
    '</svg>',
  ].join('\n');
}

function frac(a: Axis, v: number): number {
  const f = (x: number) => (a.log ? Math.log10(x) : x);
  return (f(v) - f(a.lo)) / (f(a.hi) - f(a.lo));
}

function axis(values: number[], log: boolean, fromZero: boolean, fixed: ChartTick[] | undefined): Axis {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (fixed) {
    if (lo === hi) [lo, hi] = log ? [lo / 10, hi * 10] : [lo - 1, hi + 1];
    return { lo, hi, log, ticks: fixed };
  }
  if (log) {
    // Whole decades, so every gridline is a power of ten; narrow ranges also get 2× and 5×.
    const d0 = Math.floor(Math.log10(lo));
    const d1 = Math.max(Math.ceil(Math.log10(hi)), d0 + 1);
    const ticks: ChartTick[] = [];
    for (let d = d0; d <= d1; d++) {
      for (const m of d1 - d0 <= 2 && d < d1 ? [1, 2, 5] : [1]) ticks.push({ value: m * 10 ** d, label: formatTick(m * 10 ** d) });
    }
    return { lo: 10 ** d0, hi: 10 ** d1, log, ticks };
  }
  if (fromZero) lo = Math.min(0, lo);
  if (lo === hi) hi = lo + 1;
  const step = niceStep((hi - lo) / 5);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  const ticks: ChartTick[] = [];
  for (let i = 0; lo + i * step <= hi + step / 2; i++) {
    const v = lo + i * step;
    const value = Math.abs(v) < step * 1e-9 ? 0 : v;
    ticks.push({ value, label: formatTick(value) });
  }
  return { lo, hi, log, ticks };
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power;
}

function formatTick(v: number): string {
  const short = (x: number) => String(Number(x.toPrecision(3)));
  const a = Math.abs(v);
  if (a >= 1e6) return `${short(v / 1e6)}M`;
  if (a >= 1e3) return `${short(v / 1e3)}k`;
  return short(v);
}
