import { pino, type DestinationStream } from 'pino';

/**
 * What the service logs, as stable codes: the report's timeline and `shopctl status` read them
 * (service/log-line.ts parses a line back), so a code is renamed only with its readers.
 */
export const SERVICE_EVENTS = [
  'listening',
  'draining',
  'stopped',
  'primary_started',
  'worker_exited',
  'dependency_lost',
  'dependency_regained',
  'pool_exhausted',
  'refused',
  'internal_error',
  'accept_failed',
  'cache_dropped',
  'primary_followed',
] as const;

export type ServiceEvent = (typeof SERVICE_EVENTS)[number];
export type EventLevel = 'info' | 'warn' | 'error';
/** An event's own fields; `err` takes an Error, written by pino's error serializer (type, message, stack). */
export type EventFields = Record<string, string | number | boolean | Error | undefined>;

/** One process's structured log: a JSON line per event, with a sentence for people (`msg`) where one helps. */
export interface ServiceLog {
  event(level: EventLevel, event: ServiceEvent, fields?: EventFields, message?: string): void;
}

/** The longest reason a line carries: a driver's message can quote a whole statement. */
const REASON_CHARS = 300;

/** An error's message as a line's `reason`, cut past REASON_CHARS. */
export function clipReason(text: string): string {
  return text.length <= REASON_CHARS ? text : `${text.slice(0, REASON_CHARS - 1)}…`;
}

/** Logs nothing: the default where no log is wired in (in-process unit tests). */
export const silentLog: ServiceLog = { event() {} };

export interface ServiceLogOptions {
  /** The app node's name (the service config's `node`). */
  node: string;
  /** The cluster worker's id; absent for the node's primary or a lone process. */
  worker?: number;
  /** Where the lines go (tests capture them); default stdout, which `up` points at the node's log file. */
  destination?: DestinationStream;
}

/**
 * A pino logger writing one JSON line per event: `time` (epoch ms), `level` (its label),
 * `node`, `pid`, `worker` when there is one, `event`, then the event's fields.
 *
 * Written synchronously: a node's processes share its log file, and a line written whole by one
 * `write` is never interleaved with another process's; nothing is lost when a process exits
 * right after its `stopped` line. Events are few (repeats are aggregated, event-aggregator.ts),
 * so the synchronous write costs nothing a request would notice.
 */
export function createServiceLog(options: ServiceLogOptions): ServiceLog {
  const logger = pino(
    {
      base: { node: options.node, pid: process.pid, ...(options.worker === undefined ? {} : { worker: options.worker }) },
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  return {
    event(level, event, fields = {}, message = undefined) {
      // A full disk or a closed stdout must never fail a request, nor turn a committed purchase
      // into an error: a line that cannot be written is lost.
      try {
        logger[level]({ event, ...fields }, message);
      } catch {
        // lost
      }
    },
  };
}
