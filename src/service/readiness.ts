import { withDeadline } from '../async/deadline.js';
import type { Dependencies } from './dependencies.js';

const CHECK_TIMEOUT_MS = 1000;

export interface ReadinessReport {
  ready: boolean;
  checks: Record<'redis' | 'primary' | 'replica', 'ok' | string>;
}

/**
 * Ready when Redis and the primary answer within a second. A replica that does not answer makes
 * the app degraded, not unready: views fall back to the primary.
 */
export async function readiness(deps: Dependencies): Promise<ReadinessReport> {
  const [redis, primary, replica] = await Promise.all([
    check(() => deps.redis.ping()),
    check(() => deps.primary.query('SELECT 1')),
    check(() => deps.replica.query('SELECT 1')),
  ]);
  return { ready: redis === 'ok' && primary === 'ok', checks: { redis, primary, replica } };
}

async function check(probe: () => Promise<unknown>): Promise<string> {
  try {
    await withDeadline(probe(), CHECK_TIMEOUT_MS);
    return 'ok';
  } catch (error) {
    return (error as Error).message || 'failed';
  }
}
