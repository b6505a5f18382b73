import type { LoadProgress } from '../bench/engine.js';
import { describeErrorsByOrigin, errorsByOrigin, type ResourceSample } from '../bench/measurement.js';
import type { BenchEvent } from '../bench/phases.js';

const CLASS_LABELS: [string, string][] = [
  ['view_hit', 'hit'],
  ['view_miss', 'miss'],
  ['purchase_ok', 'buy'],
  ['purchase_sold_out', 'sold-out'],
  ['error', 'err'],
  ['healthz', 'healthz'],
];

/** `hit 1.2/8.4` per class, p50/p99 in ms, of the second two seconds back. */
export function formatLatencies(progress: LoadProgress): string {
  const classes = progress.last?.classes ?? {};
  return CLASS_LABELS.flatMap(([cls, label]) => {
    const c = classes[cls as keyof typeof classes];
    return c === undefined ? [] : [`${label} ${c.p50.toFixed(1)}/${c.p99.toFixed(1)}`];
  }).join('  ');
}

export function formatErrors(progress: LoadProgress): string {
  const split = describeErrorsByOrigin(errorsByOrigin(progress.tally.reasons));
  return split === 'none' ? 'errors 0' : `errors ${split}`;
}

export function formatCpu(resources: Record<string, ResourceSample | undefined>): string {
  return Object.entries(resources)
    .flatMap(([name, sample]) => (sample === undefined ? [] : [`${name} ${Math.round(sample.cpuPct)}%`]))
    .join(' ');
}

/** `fault #2 pause mysql-primary started at 12.0s`. */
export function formatFaultEvent(event: Extract<BenchEvent, { kind: 'fault' }>): string {
  const { entry, phase } = event;
  const at = phase === 'started' ? entry.startedAtMs : (entry.healedAtMs ?? entry.healAtMs ?? entry.startedAtMs);
  const what = `fault #${entry.id} ${entry.action} ${entry.target}`;
  if (phase === 'failed') return `${what} failed: ${entry.error ?? 'unknown error'}`;
  return `${what} ${phase === 'started' ? 'started' : entry.action === 'restart' ? 'restarted, ready' : 'healed'} at ${(at / 1000).toFixed(1)}s`;
}

/** One plain line per bench event: what CI logs show instead of the dashboard. */
export function formatBenchEvent(event: BenchEvent): string {
  switch (event.kind) {
    case 'phase':
      return `bench ${event.description}`;
    case 'phase-done':
      return `bench ${event.phase} done: ${event.summary}`;
    case 'fault':
      return `bench ${formatFaultEvent(event)}`;
    case 'progress': {
      const p = event.progress;
      const when = `${p.elapsedS.toFixed(0)}/${p.totalS.toFixed(0)}s${p.warmup ? ' (warm-up)' : ''}`;
      const rps = ` ${p.rps} req/s`;
      return `bench ${event.phase} ${when}${rps} conns ${p.connected} | ms p50/p99: ${formatLatencies(p)} | ${formatErrors(p)} | sold ${p.tally.purchases.unitsSold} | cpu ${formatCpu(event.resources)}`;
    }
  }
}
