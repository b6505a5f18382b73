import { renameSync, writeFileSync } from 'node:fs';

/**
 * Writes a file whole or not at all (a temporary file renamed over it): a CLI killed mid-write
 * must never leave an empty state or process record that later reads as "nothing here".
 */
export function writeFileAtomic(file: string, content: string, mode = 0o644): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode });
  renameSync(temporary, file);
}
