import { readdirSync, readFileSync } from 'node:fs';

/**
 * Linux /proc readings that let shopctl stop only what it started: a pid can be reused by an
 * unrelated process, but not together with the same start time.
 */
interface ProcStat {
  state: string;
  pgrp: number;
  startTicks: number;
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
  const [state, , pgrp] = fields;
  const startTicks = fields[19];
  if (state === undefined || pgrp === undefined || startTicks === undefined) return undefined;
  return { state, pgrp: Number(pgrp), startTicks: Number(startTicks) };
}

/** Alive and not a zombie waiting to be reaped. */
export function isLive(stat: ProcStat | undefined): stat is ProcStat {
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
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
