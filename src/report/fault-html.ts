/* The HTML report's faults (issue #13): the section's tables, and a band per fault for the time charts. */
import { appEventsTable, availabilityTable, faultNotes, recoveryTable, timelineTable, windowTable, type TextTable } from './fault-tables.js';
import { esc, section, table } from './html-parts.js';
import type { BenchReport } from './model.js';
import type { ChartBand } from './svg-chart.js';

/** The faults section, or '' for a run without faults. */
export function faultSection(r: BenchReport): string {
  const f = r.faults;
  if (f === undefined) return '';
  const part = (title: string, t: TextTable) => `<h3>${esc(title)}</h3>\n${table(t.head, t.rows)}`;
  return section(
    'Faults',
    [
      ...faultNotes(r).map((note) => `<p class="meta">${esc(note)}</p>`),
      part('Timeline', timelineTable(f)),
      part("Requests sent in each fault's window", windowTable(f)),
      part('Recovery', recoveryTable(f)),
      part('The measured window', availabilityTable(r)),
      f.appEvents === undefined || f.appEvents.length === 0 ? '' : part('What the apps logged', appEventsTable(f)),
    ].join('\n'),
  );
}

/**
 * A band per fault, from its start to its healed time (else its heal, else the load's end), for
 * a time chart on the load's clock (the series) or the bench's (the resources, which start first).
 */
export function faultBands(r: BenchReport, clock: 'load' | 'bench'): ChartBand[] {
  const f = r.faults;
  if (f === undefined) return [];
  const offsetS = clock === 'bench' ? f.loadStartS : 0;
  return f.windows.map((w, i) => {
    const action = f.timeline.find((e) => e.id === w.id)?.action;
    return { from: offsetS + w.fromMs / 1000, to: offsetS + w.toMs / 1000, label: `fault ${w.id}${action === undefined ? '' : ` (${action})`}`, kind: 'fault', row: i % 3 };
  });
}
