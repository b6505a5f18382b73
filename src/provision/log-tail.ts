import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseServiceLogLine, type ServiceLogLine } from '../service/log-line.js';

/** How much of a log's end is read: a node's log grows for as long as it runs, and only its last lines are wanted. */
const TAIL_BYTES = 64 * 1024;

/** The last lines of a node's log, to print under an error about that node; `show` renders each (default: as it is). */
export function logTail(file: string, lines = 12, show: (line: string) => string = (line) => line): string[] {
  const text = readEnd(file);
  if (text === undefined) return [`(no log at ${file})`];
  return [`last lines of ${file}:`, ...text.trimEnd().split('\n').slice(-lines).map((line) => `  ${show(line)}`)];
}

/**
 * The last `count` events the service wrote to an app node's log (service/log.ts), oldest first.
 * Other lines (a crash's stack trace, plain messages) are skipped.
 */
export function recentServiceEvents(file: string, count: number): ServiceLogLine[] {
  const events: ServiceLogLine[] = [];
  for (const line of (readEnd(file) ?? '').split('\n')) {
    const event = parseServiceLogLine(line);
    if (event !== undefined) events.push(event);
  }
  return events.slice(-count);
}

/** The file's last TAIL_BYTES, from its first whole line there; undefined when there is no file. */
function readEnd(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    const read = readSync(fd, buffer, 0, buffer.length, start);
    const text = buffer.subarray(0, read).toString('utf8');
    return start === 0 ? text : text.slice(text.indexOf('\n') + 1);
  } finally {
    closeSync(fd);
  }
}
