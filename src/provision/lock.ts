import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { EnvironmentError } from '../errors.js';
import { isLive, readProcStat } from './runtime/proc.js';

/**
 * One shopctl at a time per topology: `up` and `down` take this lock file. It names the
 * holder by pid and start time, so a lock left by a killed CLI is taken over even when its
 * pid has since been reused.
 */
export function acquireLock(file: string, topology: string): () => void {
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid} ${readProcStat(process.pid)?.startTicks ?? 0}`);
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = liveHolder(file);
      if (holder !== undefined) {
        throw new EnvironmentError(`another shopctl (pid ${holder}) is working on topology ${topology}; wait for it or stop it`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new EnvironmentError(`could not lock topology ${topology} (${file})`);
}

function liveHolder(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const [pid, startTicks] = text.trim().split(' ').map(Number);
  if (pid === undefined || pid === process.pid) return undefined;
  const stat = readProcStat(pid);
  return isLive(stat) && stat.startTicks === startTicks ? pid : undefined;
}
