import { randomBytes } from 'node:crypto';

/**
 * `20261124-190846-3fa2`: sorts by time, unique across runs, and short enough to start every
 * Idempotency-Key of the run (keys allow A-Z a-z 0-9 _ . : -).
 */
export function newRunId(at = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}
