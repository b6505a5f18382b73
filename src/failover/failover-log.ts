import { pino } from 'pino';

/**
 * What the failover actors log, as stable codes: every step with the positions it saw, as
 * mariadbmon does, so a failover can be followed line by line in the monitor's log.
 */
export const FAILOVER_EVENTS = [
  'monitor_started',
  'monitor_stopped',
  'check_failed',
  'check_recovered',
  'second_opinion',
  'failover_refused',
  'fenced',
  'kill_failed',
  'relay_log_applied',
  'promoted',
  'writes_enabled',
  'cache_dropped',
  'switchover',
  'errant_transactions',
  'rejoined',
  'rejoin_failed',
] as const;

export type FailoverEvent = (typeof FAILOVER_EVENTS)[number];
export type FailoverFields = Record<string, string | number | boolean | null | undefined>;

export interface FailoverLog {
  event(level: 'info' | 'warn' | 'error', event: FailoverEvent, fields?: FailoverFields, message?: string): void;
}

export const silentFailoverLog: FailoverLog = { event() {} };

/** JSON lines on stdout (the monitor node's log file): `time`, `level`, `node`, `event`, fields. */
export function createFailoverLog(node: string): FailoverLog {
  const logger = pino(
    { base: { node, pid: process.pid }, formatters: { level: (label) => ({ level: label }) } },
    pino.destination({ dest: 1, sync: true }),
  );
  return {
    event(level, event, fields = {}, message = undefined) {
      // A step's `node` is the database it acted on; the line's own `node` is the monitor's.
      const { node: database, ...rest } = fields;
      try {
        logger[level]({ event, ...(database === undefined ? {} : { database }), ...rest }, message);
      } catch {
        // A line that cannot be written is lost; the failover goes on.
      }
    },
  };
}

/** Lines for people, for `shopctl failover` without a monitor: one per step on stderr. */
export function lineFailoverLog(write: (line: string) => void): FailoverLog {
  return {
    event(_level, event, fields = {}, message = undefined) {
      const details = Object.entries(fields)
        .filter(([, v]) => v !== undefined && v !== null && v !== '')
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ');
      write(`failover: ${event}${message === undefined ? '' : `: ${message}`}${details === '' ? '' : ` (${details})`}`);
    },
  };
}
