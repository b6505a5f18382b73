import type { Endpoint } from '../addressing.js';
import { redisInfo, withRedis } from '../../clients/redis.js';
import { NotReady } from './retry.js';
import type { WaitStrategy } from './wait-strategy.js';

/** The server answers an authenticated PING. */
export function redisPingWait(endpoint: Endpoint, password: string): WaitStrategy {
  return {
    description: `redis on ${endpoint.host}:${endpoint.port} answers PING`,
    check: () =>
      withRedis(endpoint, password, async (redis) => {
        const answer = await redis.ping();
        if (answer !== 'PONG') throw new NotReady(`PING answered ${answer}`);
      }),
  };
}

/** A replica's link to its master is up and the initial sync is done. */
export function redisReplicaLinkWait(endpoint: Endpoint, password: string): WaitStrategy {
  return {
    description: `redis on ${endpoint.host}:${endpoint.port}: master_link_status up`,
    check: () =>
      withRedis(endpoint, password, async (redis) => {
        const info = await redisInfo(redis, 'replication');
        const link = info.get('master_link_status');
        if (link !== 'up') throw new NotReady(`master_link_status is ${link ?? 'absent'}`);
        if (info.get('master_sync_in_progress') === '1') throw new NotReady('initial sync in progress');
      }),
  };
}
