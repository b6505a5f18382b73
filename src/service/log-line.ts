/**
 * One line of the service's log read back (service/log.ts writes it): its time (epoch ms), level
 * and event code, then whatever else it carries, as written.
 */
export interface ServiceLogLine {
  time: number;
  level: string;
  event: string;
  [field: string]: unknown;
}

/**
 * A line of an app node's log as the service wrote it, or undefined for any other line: the
 * node's file also holds what other code printed (a crash's stack trace, plain messages).
 */
export function parseServiceLogLine(line: string): ServiceLogLine | undefined {
  if (!line.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { time, level, event } = value as Record<string, unknown>;
  if (typeof time !== 'number' || typeof level !== 'string' || typeof event !== 'string') return undefined;
  return value as ServiceLogLine;
}
