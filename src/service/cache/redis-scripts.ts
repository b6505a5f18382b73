import type { Redis, Result } from 'ioredis';

/**
 * Lua scripts run atomically in Redis, registered once per client with `defineCommand` (sent by
 * EVALSHA afterwards).
 */
declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** Returns the value the key holds afterwards ("stock:version"): ours or a newer one. */
    setStockIfNewer(key: string, stock: number, version: number, ttlSeconds: number): Result<string, Context>;
    releaseLock(key: string, token: string): Result<number, Context>;
  }
}

/**
 * Stock only ever decreases and its version only increases, so "the newest version wins" makes
 * concurrent writers (purchases, cache fills from a lagging replica) converge on the database's
 * value and never put an older, higher stock back. Value: "stock:version".
 */
const SET_STOCK_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local version = tonumber(string.match(current, ':(%d+)$'))
  if version and version >= tonumber(ARGV[2]) then return current end
end
local value = ARGV[1] .. ':' .. ARGV[2]
redis.call('SET', KEYS[1], value, 'EX', ARGV[3])
return value`;

/** Deletes the lock only if it still holds our token: never release a lock someone else took. */
const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export function defineScripts(redis: Redis): void {
  redis.defineCommand('setStockIfNewer', { numberOfKeys: 1, lua: SET_STOCK_IF_NEWER });
  redis.defineCommand('releaseLock', { numberOfKeys: 1, lua: RELEASE_LOCK });
}
