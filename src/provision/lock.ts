import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { EnvironmentError } from '../errors.js';
import { isLive, readProcStat } from './runtime/proc.js';

/**
 * One shopctl at a time per topology: `up` and `down` take this lock file. It names the holder
 * by pid and start time, so a lock left by a killed CLI is taken over even when its pid has
 * since been reused. The file appears whole (a hard link to a file already written), and a
 * stale one is moved aside by rename, so two contenders can never both win.
 */
export function acquireLock(file: string, topology: string): () => void {
  mkdirSync(dirname(file), { recursive: true });
  const content = `${process.pid} ${readProcStat(process.pid)?.startTicks ?? 0}`;
  const mine = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(mine, content);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (tryLink(mine, file)) return () => releaseIfMine(file, content);
      const holder = liveHolder(file);
      if (holder !== undefined) {
        throw new EnvironmentError(`another shopctl (pid ${holder}) is working on topology ${topology}; wait for it or stop it`);
      }
      moveAsideIfStale(file);
    }
    throw new EnvironmentError(`could not lock topology ${topology} (${file}): other shopctl commands keep taking it`);
  } finally {
    rmSync(mine, { force: true });
  }
}

function tryLink(source: string, target: string): boolean {
  try {
    linkSync(source, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Whoever renames the stale lock first owns it; a live lock moved aside by mistake goes back. */
function moveAsideIfStale(file: string): void {
  const aside = `${file}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(file, aside);
  } catch {
    return; // Gone already: someone else took it over.
  }
  if (liveHolder(aside) !== undefined) tryLink(aside, file);
  rmSync(aside, { force: true });
}

function releaseIfMine(file: string, content: string): void {
  try {
    if (readFileSync(file, 'utf8') === content) rmSync(file, { force: true });
  } catch {
    // Already gone.
  }
}

function liveHolder(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const [pid, startTicks] = text.trim().split(' ').map(Number);
  if (pid === undefined || Number.isNaN(pid) || pid === process.pid) return undefined;
  const stat = readProcStat(pid);
  return isLive(stat) && stat.startTicks === startTicks ? pid : undefined;
}

