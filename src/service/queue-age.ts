/**
 * How long a request waited between nginx handing it on and this app starting on it (issue #12):
 * nginx sends `X-Request-Start: t=<seconds>.<milliseconds>` (its `$msec` as it builds the request
 * for the app), and the app compares it with its own clock. The wait covers nginx's connect, the
 * app's accept queue and its busy event loop: the part of an answer's time the app's own
 * Server-Timing cannot see.
 *
 * nginx and the apps read one clock (processes on one machine, or containers on one kernel). A
 * value in the future or over a minute old means they do not (a clock on another machine): then
 * the wait is unknown, and nothing is refused for it.
 */
export const REQUEST_START_HEADER = 'x-request-start';

const MAX_BELIEVABLE_MS = 60_000;

/** The wait in ms, or undefined without a believable `X-Request-Start`. */
export function queuedMs(header: string | string[] | undefined, now: number = Date.now()): number | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^t=(\d{9,11})\.(\d{3})$/.exec(header);
  if (match === null) return undefined;
  const started = Number(match[1]) * 1000 + Number(match[2]);
  const waited = now - started;
  return waited >= 0 && waited <= MAX_BELIEVABLE_MS ? waited : undefined;
}
