import { openRedis } from './redis.js';
import type { Endpoint } from '../provision/addressing.js';

/** The name the Sentinels monitor the Redis master under (`sentinel monitor shop …`). */
export const SENTINEL_MASTER_NAME = 'shop';

export interface SentinelView {
  /** host:port of the master this Sentinel names, or null when it names none. */
  master: { host: string; port: number } | null;
}

/**
 * One Sentinel's answer to "who is the master", over a fail-fast connection (2 s). Sentinel
 * refuses commands until authenticated when it has a `requirepass`.
 */
export async function askSentinel(endpoint: Endpoint, password: string): Promise<SentinelView> {
  const sentinel = await openRedis(endpoint, password);
  try {
    const answer = (await sentinel.call('SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER_NAME)) as [string, string] | null;
    return { master: answer === null ? null : { host: answer[0], port: Number(answer[1]) } };
  } finally {
    sentinel.disconnect();
  }
}

/**
 * The port of the master most Sentinels name (ports are unique in a topology, and a Sentinel
 * names a host as it reaches it); undefined when no majority of `endpoints` answers alike.
 */
export async function sentinelMajorityPort(endpoints: readonly Endpoint[], password: string): Promise<number | undefined> {
  const views = await Promise.allSettled(endpoints.map((e) => askSentinel(e, password)));
  const votes = new Map<number, number>();
  for (const view of views) {
    if (view.status === 'fulfilled' && view.value.master !== null) votes.set(view.value.master.port, (votes.get(view.value.master.port) ?? 0) + 1);
  }
  const majority = Math.floor(endpoints.length / 2) + 1;
  return [...votes.entries()].find(([, count]) => count >= majority)?.[0];
}
