import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * Linux /proc readings that let shopctl stop only what it started: a pid can be reused by an
 * unrelated process, but not together with the same start time.
 */
export interface ProcStat {
  state: string;
  pgrp: number;
  session: number;
  startTicks: number;
  /** User plus system CPU time, in clock ticks (the bench's resource sampler reads it). */
  cpuTicks: number;
  rssPages: number;
}

export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [state, , pgrp, session] = fields;
  // Field n of proc(5) is fields[n - 3]: utime 14, stime 15, starttime 22, rss 24.
  const startTicks = fields[19];
  if (state === undefined || pgrp === undefined || session === undefined || startTicks === undefined) return undefined;
  const cpuTicks = Number(fields[11]) + Number(fields[12]);
  return { state, pgrp: Number(pgrp), session: Number(session), startTicks: Number(startTicks), cpuTicks, rssPages: Number(fields[21]) };
}

/** Alive and not a zombie waiting to be reaped. */
export function isLive(stat: ProcStat | undefined): stat is ProcStat {
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/**
 * Session leaders running one of `programs` with their working directory inside `dir`: what
 * shopctl started there (every server runs in its own session, in its node folder) even if its
 * record was never written because the CLI was killed between starting it and writing it down.
 * A stranger would have to be a session leader, run that very program, and work in that folder.
 */
export function sessionLeadersIn(dir: string, programs: readonly string[]): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readProcStat(pid);
    if (!isLive(stat) || stat.session !== pid) continue;
    const cwd = link(`/proc/${pid}/cwd`);
    const exe = link(`/proc/${pid}/exe`);
    if (cwd === undefined || exe === undefined) continue;
    if ((cwd === dir || cwd.startsWith(`${dir}/`)) && programs.includes(basename(exe))) found.push(pid);
  }
  return found;
}

function link(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/** Live processes in process group `pgrp` (a spawned server and the workers it forked). */
export function processGroupMembers(pgrp: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (isLive(stat) && stat.pgrp === pgrp) members.push(Number(entry));
  }
  return members;
}
