import { SENTINEL_MASTER_NAME } from '../../clients/sentinel.js';
import { withRedis } from '../../clients/redis.js';
import type { Endpoint } from '../addressing.js';
import { NotReady } from './retry.js';
import type { WaitStrategy } from './wait-strategy.js';

/**
 * The Sentinel names a master and has found enough other Sentinels to authorize a failover
 * (`SENTINEL CKQUORUM`). Sentinels find each other through hello messages on the master every
 * 2 s, so a first start takes a few seconds; before that a killed master would not be replaced.
 */
export function sentinelQuorumWait(endpoint: Endpoint, password: string): WaitStrategy {
  return {
    description: `sentinel on ${endpoint.host}:${endpoint.port}: a quorum can fail ${SENTINEL_MASTER_NAME} over`,
    check: () =>
      withRedis(endpoint, password, async (sentinel) => {
        const answer = await sentinel.call('SENTINEL', 'ckquorum', SENTINEL_MASTER_NAME).catch((error: Error) => {
          throw new NotReady(error.message);
        });
        if (!String(answer).startsWith('OK')) throw new NotReady(String(answer));
      }),
  };
}
