import { describe, expect, it } from 'vitest';
import { NotReady, WaitTimeout, retryUntil, type Clock } from './retry.js';

/** A clock that advances only when the code under test sleeps: no real waiting. */
function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe('retryUntil', () => {
  it('retries until the attempt succeeds, at the interval asked', async () => {
    const clock = fakeClock();
    let calls = 0;
    const value = await retryUntil(
      'thing',
      async () => {
        calls++;
        if (calls < 4) throw new NotReady(`attempt ${calls}`);
        return 'ready';
      },
      { timeoutMs: 10_000, intervalMs: 250, clock },
    );
    expect(value).toBe('ready');
    expect(calls).toBe(4);
    expect(clock.slept).toEqual([250, 250, 250]);
  });

  it('gives up after the timeout with the last reason', async () => {
    const clock = fakeClock();
    let calls = 0;
    const waiting = retryUntil(
      'redis-replica link',
      async () => {
        calls++;
        throw new NotReady(`master_link_status is down (${calls})`);
      },
      { timeoutMs: 1000, intervalMs: 100, clock },
    );
    await expect(waiting).rejects.toBeInstanceOf(WaitTimeout);
    await expect(waiting).rejects.toThrow(`redis-replica link: not ready after 1.0s (master_link_status is down (${calls}))`);
    expect(calls).toBe(11);
  });

  it('fails at once when the awaited process has exited', async () => {
    const clock = fakeClock();
    const abandon = Promise.resolve('the process exited with code 1');
    await new Promise((r) => setImmediate(r));
    const waiting = retryUntil(
      'mysql ping',
      async () => {
        throw new Error('ECONNREFUSED');
      },
      { timeoutMs: 60_000, intervalMs: 100, clock, abandon },
    );
    await expect(waiting).rejects.toThrow('the process exited with code 1');
    expect(clock.slept.length).toBeLessThanOrEqual(1);
  });
});

describe('retryUntil, bounded', () => {
  it('does not hang on an attempt that never settles', async () => {
    const waiting = retryUntil('hung server', () => new Promise<never>(() => {}), { timeoutMs: 50, intervalMs: 10 });
    await expect(waiting).rejects.toThrow(/hung server: not ready after .*no answer within 1000 ms/);
  });

  it('stops at once with the abort reason when aborted', async () => {
    const controller = new AbortController();
    const waiting = retryUntil('x', () => new Promise<never>(() => {}), { timeoutMs: 60_000, signal: controller.signal });
    controller.abort(new Error('interrupted by SIGINT'));
    await expect(waiting).rejects.toThrow('interrupted by SIGINT');
  });
});
