import type { Redis } from 'ioredis';
import { redisInfo } from '../../clients/redis.js';
import { STOCK_KEYS } from './product-cache.js';

/** On the master: the replication id of the master whose history the cached stock comes from. */
export const LINEAGE_KEY = 'cache:lineage';

/** How often a process checks besides on every (re)connect: a failback without a reconnect. */
const CHECK_EVERY_MS = 5000;
const SCAN_COUNT = 1000;
/** One drop's bounds (10 000 products are ~20 rounds of SCAN); past them the next check goes on. */
const MAX_ROUNDS = 10_000;
const DROP_DEADLINE_MS = 10_000;

export interface StockDropped {
  /** `stock:*` keys unlinked by this process. */
  count: number;
  /** The master's replication id now; the marker it held (null: none); the one this process saw last. */
  replid: string;
  marker: string | null;
  lastSeen: string | null;
  /** False when the drop stopped at its bounds or on an error: it is tried again. */
  complete: boolean;
}

/**
 * Drops the cached stock when the Redis master is not the one it was written to (issue #14).
 *
 * Why: replication is asynchronous, so a promoted replica may miss the last stock writes (and
 * an app cut off with the old master wrote there, all of it lost when it is demoted). Its
 * `stock:{id}` values are older, so higher, than the database's (stock only decreases): the
 * gate `cached < quantity` still never says sold out wrongly, but I5 (cached = database or
 * absent) and views would be wrong until the product is bought again or its TTL ends.
 *
 * When: a master's `master_replid` is new at each promotion (and each restart, which has no
 * data). The master holds `cache:lineage` = the replid the cache was last checked against; it
 * replicates with the data, so a promoted replica holds its old master's. A process drops when
 * the marker is not the replid it finds (any app, even one started after the switch, notices),
 * or when the replid is not the one it last saw (it may have written to a master now gone).
 *
 * How: SCAN + UNLINK of `stock:*`, bounded, then the marker; the cache is derived data, absent
 * is a miss, so any number of processes may drop at once and again. Races that remain are those
 * of any deleted key (TTL, `forgetStock`): a purchase committed before a newer one but writing
 * its stock after the drop leaves a value older than the database's, higher, corrected by the
 * product's next purchase; a view's fill from a lagging database replica likewise. Neither can
 * make the gate refuse a sale the database would make.
 */
export function watchStockLineage(redis: Redis, dropped: (event: StockDropped) => void, everyMs = CHECK_EVERY_MS): () => void {
  let last: string | undefined;
  let checking: Promise<void> = Promise.resolve();
  const check = () => {
    checking = checking
      .then(async () => {
        const outcome = await checkLineage(redis, last);
        if (outcome === undefined) return;
        if (outcome.complete) last = outcome.replid;
        if (outcome.drop !== undefined) dropped(outcome.drop);
      })
      // Redis went away meanwhile: the next ready, or the next tick, checks again.
      .catch(() => undefined);
  };
  redis.on('ready', check);
  const timer = setInterval(check, everyMs).unref();
  if (redis.status === 'ready') check();
  return () => {
    clearInterval(timer);
    redis.off('ready', check);
  };
}

/** Whether the cached stock must go: the marker or this process's last view names another history. */
export function mustDrop(replid: string, marker: string | null, last: string | undefined): boolean {
  return marker !== replid || (last !== undefined && last !== replid);
}

async function checkLineage(redis: Redis, last: string | undefined): Promise<{ replid: string; complete: boolean; drop?: StockDropped } | undefined> {
  if (redis.status !== 'ready') return undefined;
  const info = await redisInfo(redis, 'replication');
  const replid = info.get('master_replid');
  // A replica (plain mode, a master being demoted): the Sentinel connector moves to the master.
  if (info.get('role') !== 'master' || replid === undefined) return undefined;
  const marker = await redis.get(LINEAGE_KEY);
  if (!mustDrop(replid, marker, last)) return { replid, complete: true };
  const { count, complete } = await dropStock(redis);
  if (complete) await redis.set(LINEAGE_KEY, replid);
  // A first start on an empty cache is no event; anything else is a change of master.
  const quiet = count === 0 && marker === null && last === undefined;
  return { replid, complete, ...(quiet ? {} : { drop: { count, replid, marker, lastSeen: last ?? null, complete } }) };
}

/** What a drop needs of a Redis client. */
export interface StockKeys {
  scan(cursor: string, match: 'MATCH', pattern: string, count: 'COUNT', n: number): Promise<[string, string[]]>;
  unlink(...keys: string[]): Promise<number>;
}

/** SCAN + UNLINK of every cached stock, within MAX_ROUNDS and DROP_DEADLINE_MS. */
export async function dropStock(redis: StockKeys, deadlineMs = DROP_DEADLINE_MS): Promise<{ count: number; complete: boolean }> {
  const until = Date.now() + deadlineMs;
  let cursor = '0';
  let count = 0;
  for (let round = 0; round < MAX_ROUNDS && Date.now() < until; round++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', STOCK_KEYS, 'COUNT', SCAN_COUNT);
    if (keys.length > 0) count += await redis.unlink(...keys);
    cursor = next;
    if (cursor === '0') return { count, complete: true };
  }
  return { count, complete: false };
}
