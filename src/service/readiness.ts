import { withDeadline } from '../async/deadline.js';
import type { Dependencies } from './dependencies.js';

const CHECK_TIMEOUT_MS = 1000;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<'redis' | 'primary' | 'replica', 'ok' | string>;
}

/**
 * Ready when Redis and the primary answer within a second, the primary writable. A replica that does not answer makes
 * the app degraded, not unready: views fall back to the primary.
 */
export async function readiness(deps: Dependencies): Promise<ReadinessReport> {
  const [redis, primary, replica] = await Promise.all([
    check(() => deps.redis.ping()),
    check(() => writablePrimary(deps)),
    check(() => deps.replica.query('SELECT 1')),
  ]);
  return { ready: redis === 'ok' && primary === 'ok', checks: { redis, primary, replica } };
}

/** The primary answers and takes writes: a fenced or demoted one (read-only) is not ready, and the app looks for the new one. */
async function writablePrimary(deps: Dependencies): Promise<void> {
  const rows = await deps.primary.query<{ ro: number }[]>('SELECT @@global.read_only AS ro');
  if (Number(rows[0]?.ro) === 1) {
    deps.primary.foundReadOnly();
    throw new Error('read-only (fenced or demoted)');
  }
}

async function check(probe: () => Promise<unknown>): Promise<string> {
  try {
    await withDeadline(probe(), CHECK_TIMEOUT_MS);
    return 'ok';
  } catch (error) {
    return (error as Error).message || 'failed';
  }
}
