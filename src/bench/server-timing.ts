import { APP_TOTAL, PHASE_NAMES } from '../service/server-timing.js';

/**
 * Where one answer's time went, from its `Server-Timing` values: the app's phases
 * (service/server-timing.ts), nginx's connect and header times (nginx-config.ts), and what the
 * two leave over. The split of a request's latency, in the order the request meets them:
 *
 *   edge        the latency less nginx's header time: the generator, the client's connection
 *               and nginx's own queue (without nginx: the latency less the app's time)
 *   lb-connect  nginx connecting to an app (0 on a kept-alive connection)
 *   app-queue   nginx's header time less its connect and the app's time: the request waiting
 *               for the app to read it (the app's accept queue, its busy event loop)
 *   near … tx   the app's phases
 *   app-other   the app's time less its phases: routing, body parsing, serializing
 *
 * Every part is at least 0: clocks of different processes round differently.
 */
// The app's phase names are the service's own: one vocabulary for the header's two ends.
export const LATENCY_PHASES = ['edge', 'lb-connect', 'app-queue', ...PHASE_NAMES, 'app-other'] as const;
export type LatencyPhase = (typeof LATENCY_PHASES)[number];

/** Which tier a phase's time belongs to, for the report's "dominated by". */
export const PHASE_TIER: Readonly<Record<LatencyPhase, string>> = {
  edge: 'client and load balancer',
  'lb-connect': 'load balancer',
  'app-queue': 'app (queued)',
  near: 'app',
  admission: 'app (work queue)',
  redis: 'redis',
  lock: 'redis (lock)',
  batch: 'app (batch)',
  replica: 'database replica',
  pool: 'database pool',
  tx: 'database primary',
  'app-other': 'app',
};

const APP_PHASE_SET: ReadonlySet<string> = new Set(PHASE_NAMES);

/**
 * The parts of `latencyMs` by phase, or null when the answer has no app total (nginx's own
 * error pages, a server that sends no Server-Timing).
 */
export function splitLatency(latencyMs: number, serverTiming: string | undefined): [LatencyPhase, number][] | null {
  if (serverTiming === undefined) return null;
  const durations = parseServerTiming(serverTiming);
  const app = durations.get(APP_TOTAL);
  if (app === undefined) return null;
  const parts: [LatencyPhase, number][] = [];
  let inApp = 0;
  for (const [name, ms] of durations) {
    if (!APP_PHASE_SET.has(name)) continue;
    parts.push([name as LatencyPhase, ms]);
    inApp += ms;
  }
  parts.push(['app-other', Math.max(0, app - inApp)]);
  const connect = durations.get('lb-connect');
  const header = durations.get('lb-header');
  if (connect !== undefined && header !== undefined) {
    parts.unshift(['edge', Math.max(0, latencyMs - header)], ['lb-connect', connect], ['app-queue', Math.max(0, header - connect - app)]);
  } else {
    parts.unshift(['edge', Math.max(0, latencyMs - app)]);
  }
  return parts;
}

/**
 * The `name;dur=ms` entries of one or more Server-Timing values joined with commas (the W3C
 * Server Timing grammar: parameters after `;`, `dur` in ms). An entry without a numeric `dur`
 * (nginx's after a retry) is skipped; a name given twice adds up.
 */
export function parseServerTiming(value: string): Map<string, number> {
  const durations = new Map<string, number>();
  for (const entry of value.split(',')) {
    const parts = entry.split(';');
    const name = (parts[0] ?? '').trim();
    if (name === '') continue;
    for (let i = 1; i < parts.length; i++) {
      const param = (parts[i] as string).trim();
      if (!param.startsWith('dur=')) continue;
      const raw = param.slice(4);
      const ms = /^[0-9]+(\.[0-9]+)?$/.test(raw) ? Number(raw) : Number.NaN;
      if (Number.isFinite(ms)) durations.set(name, (durations.get(name) ?? 0) + ms);
    }
  }
  return durations;
}
