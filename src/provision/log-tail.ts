import { existsSync, readFileSync } from 'node:fs';

/** The last lines of a node's log, to print under an error about that node. */
export function logTail(file: string, lines = 12): string[] {
  if (!existsSync(file)) return [`(no log at ${file})`];
  const text = readFileSync(file, 'utf8').trimEnd();
  return [`last lines of ${file}:`, ...text.split('\n').slice(-lines).map((line) => `  ${line}`)];
}
