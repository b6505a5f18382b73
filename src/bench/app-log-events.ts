import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { parseServiceLogLine } from '../service/log-line.js';

/** An app's logged event placed on the load's clock (report `faults.appEvents`). */
export interface AppLogEvent {
  /** ms since the load started (warm-up included), like the fault timeline. */
  atMs: number;
  node: string;
  event: string;
  /** The event's own fields, `key=value` (dependency, code, route, count, …). */
  detail: string;
}

/** Events that say what a fault did to an app: its dependencies, its refusals, its processes. */
const SHOWN = new Set(['dependency_lost', 'dependency_regained', 'pool_exhausted', 'refused', 'internal_error', 'worker_exited', 'listening', 'draining', 'stopped']);
/** Fields every line has: not repeated in `detail`. */
const COMMON = new Set(['time', 'level', 'event', 'node', 'pid', 'hostname', 'msg', 'stack']);
/** A fault run's events are a handful a second per app; past this many the rest are left out (and said so). */
export const MOST_APP_EVENTS = 500;
/** Read at most this much of what a log grew by: the events that matter are few, the rest is refusals. */
const MOST_BYTES = 8 * 1024 * 1024;

/**
 * What the apps logged during a fault run (service/log.ts), so the report's timeline can place
 * a dependency lost and regained beside the fault that caused it. Remembers each log's size when
 * made, and reads what was appended since.
 */
export class AppLogWatch {
  private readonly offsets: { node: string; file: string; from: number }[];

  constructor(logs: readonly { node: string; file: string }[]) {
    this.offsets = logs.map((log) => ({ ...log, from: sizeOf(log.file) }));
  }

  /** The shown events since construction, oldest first, timed from `loadStartAt` (epoch ms). */
  read(loadStartAt: number): { events: AppLogEvent[]; leftOut: number } {
    const events = this.offsets
      .flatMap(({ node, file, from }) => appended(file, from).flatMap((line) => eventOf(line, node, loadStartAt)))
      .sort((a, b) => a.atMs - b.atMs);
    return { events: events.slice(0, MOST_APP_EVENTS), leftOut: Math.max(0, events.length - MOST_APP_EVENTS) };
  }
}

function eventOf(line: string, node: string, loadStartAt: number): AppLogEvent[] {
  const parsed = parseServiceLogLine(line);
  if (parsed === undefined || !SHOWN.has(parsed.event)) return [];
  const detail = Object.entries(parsed)
    .filter(([key]) => !COMMON.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return [{ atMs: Math.round(parsed.time - loadStartAt), node, event: parsed.event, detail }];
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The whole lines appended to `file` since byte `from` (a log restarted smaller is read from its start). */
function appended(file: string, from: number): string[] {
  const size = sizeOf(file);
  const start = size < from ? 0 : from;
  const length = Math.min(size - start, MOST_BYTES);
  if (length <= 0) return [];
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, length, start);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8').split('\n').filter(Boolean);
}
