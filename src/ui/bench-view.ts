import type { BenchListener } from '../bench/phases.js';
import { formatBenchEvent } from './bench-lines.js';
import { isInteractive, writeErr } from './terminal.js';

export interface BenchView {
  listener: BenchListener;
  close(): Promise<void>;
}

/** The ink dashboard in a terminal, a plain line per event otherwise (CI). */
export async function startBenchView(): Promise<BenchView> {
  if (!isInteractive()) return { listener: (event) => writeErr(formatBenchEvent(event)), close: async () => {} };
  const { inkBenchDashboard } = await import('./bench-dashboard.js');
  const dashboard = inkBenchDashboard();
  let closing: Promise<void> | undefined;
  // Closed once on success (before the summary is printed) and again on any error path.
  return { listener: dashboard.listener, close: () => (closing ??= dashboard.close()) };
}
