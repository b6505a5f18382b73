/**
 * Whether live ink views may be drawn: stderr must be a terminal and CI must not be set.
 * Without one, every view falls back to plain lines (ink would leave one frozen frame).
 */
export function isInteractive(): boolean {
  return process.stderr.isTTY === true && !process.env.CI && process.env.TERM !== 'dumb';
}

export function writeErr(line: string): void {
  process.stderr.write(`${line}\n`);
}
