import { mkdirSync, openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { EnvironmentError } from '../errors.js';
import { isLive, readProcStat } from './runtime/proc.js';

/**
 * One shopctl at a time per topology: `up` and `down` take this lock file. A lock whose holder
 * died (killed CLI) is taken over.
 */
export function acquireLock(file: string, topology: string): () => void {
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (holder !== process.pid && isLive(readProcStat(holder))) {
        throw new EnvironmentError(`another shopctl (pid ${holder}) is working on topology ${topology}; wait for it or stop it`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new EnvironmentError(`could not lock topology ${topology} (${file})`);
}
