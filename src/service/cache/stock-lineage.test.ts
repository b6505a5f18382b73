import { describe, expect, it } from 'vitest';
import { dropStock, mustDrop, type StockKeys } from './stock-lineage.js';

describe('mustDrop: the cached stock goes when it was written to another master', () => {
  it.each<[string, { replid: string; marker: string | null; last: string | undefined }, boolean]>([
    ['the marker names this master, as this process last saw it', { replid: 'A', marker: 'A', last: 'A' }, false],
    ['a process started after the check, on the checked master', { replid: 'A', marker: 'A', last: undefined }, false],
    ['a promoted replica: the marker came from the old master', { replid: 'B', marker: 'A', last: 'A' }, true],
    ['a promoted replica the marker never reached', { replid: 'B', marker: null, last: 'A' }, true],
    ['another app dropped already, but this one may have written to the old master', { replid: 'B', marker: 'B', last: 'A' }, true],
    ['a process started after the switch, before any app checked', { replid: 'B', marker: 'A', last: undefined }, true],
  ])('%s', (_what, { replid, marker, last }, expected) => {
    expect(mustDrop(replid, marker, last)).toBe(expected);
  });
});

/** Keys in memory, scanned `per` at a time as Redis's cursor would (MATCH applied per page). */
function keyspace(keys: string[], per = 3): StockKeys & { keys: Set<string>; scans: number } {
  const store = { keys: new Set(keys), scans: 0 };
  return Object.assign(store, {
    async scan(cursor: string, _m: 'MATCH', pattern: string, _c: 'COUNT'): Promise<[string, string[]]> {
      store.scans += 1;
      const all = [...keys];
      const start = Number(cursor);
      const page = all.slice(start, start + per).filter((k) => store.keys.has(k) && k.startsWith(pattern.replace('*', '')));
      const next = start + per >= all.length ? '0' : String(start + per);
      return [next, page];
    },
    async unlink(...gone: string[]): Promise<number> {
      let n = 0;
      for (const key of gone) if (store.keys.delete(key)) n += 1;
      return n;
    },
  });
}

describe('dropStock', () => {
  it('unlinks every stock:* key and nothing else, page by page', async () => {
    const redis = keyspace(['stock:1', 'product:1', 'stock:2', 'lock:product:2', 'cache:lineage', 'stock:3', 'stock:4']);
    expect(await dropStock(redis)).toEqual({ count: 4, complete: true });
    expect([...redis.keys].sort()).toEqual(['cache:lineage', 'lock:product:2', 'product:1']);
    // Again: nothing left to drop, and it says so.
    expect(await dropStock(redis)).toEqual({ count: 0, complete: true });
  });

  it('stops at its deadline and says it is incomplete', async () => {
    const redis = keyspace(['stock:1', 'stock:2', 'stock:3', 'stock:4'], 1);
    expect(await dropStock(redis, -1)).toEqual({ count: 0, complete: false });
    expect(redis.scans).toBe(0);
  });
});
