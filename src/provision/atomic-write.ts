import { renameSync, writeFileSync } from 'node:fs';

/**
 * Writes a file whole or not at all (a temporary file renamed over it): a CLI killed mid-write
 * must never leave an empty state or process record that later reads as "nothing here".
 */
export function writeFileAtomic(file: string, content: string, mode = 0o644): void {
  // One writer per file (the topology lock): a fixed name that a reader can also look for.
  const temporary = temporaryOf(file);
  writeFileSync(temporary, content, { mode });
  renameSync(temporary, file);
}

export function temporaryOf(file: string): string {
  return `${file}.tmp`;
}
