import { readFileSync } from 'node:fs';

/**
 * The hard open-file limit this process (and so every server it starts) can reach, from
 * /proc/self/limits. Raising it needs CAP_SYS_RESOURCE, which containers often lack: servers
 * must be configured within it instead of failing to raise it.
 */
export function hardOpenFileLimit(limits = readLimits()): number {
  const line = limits.split('\n').find((l) => l.startsWith('Max open files'));
  const hard = line?.trim().split(/\s+/)[4];
  if (hard === undefined) return Number.POSITIVE_INFINITY;
  return hard === 'unlimited' ? Number.POSITIVE_INFINITY : Number(hard);
}

function readLimits(): string {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return '';
  }
}
