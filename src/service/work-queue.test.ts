import { describe, expect, it } from 'vitest';
import { RequestTiming } from './server-timing.js';
import { QueueTimeout, WorkQueue, type Lane } from './work-queue.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('the work queue', () => {
  it('runs up to its limit at once in each lane; the rest wait in their lane, in order', async () => {
    const queue = new WorkQueue(2);
    const started: string[] = [];
    const holds = new Map<string, { promise: Promise<void>; resolve: () => void }>();
    const submit = (lane: Lane, name: string) => {
      const hold = deferred();
      holds.set(name, hold);
      return queue.run(lane, new RequestTiming(), async () => {
        started.push(name);
        await hold.promise;
        return name;
      });
    };
    const done = [submit('purchase', 'p1'), submit('purchase', 'p2'), submit('purchase', 'p3'), submit('view', 'v1'), submit('view', 'v2'), submit('view', 'v3'), submit('purchase', 'p4')];
    await tick();
    // Slow purchases holding their places do not hold views back.
    expect(started).toEqual(['p1', 'p2', 'v1', 'v2']);
    expect([queue.running('purchase'), queue.waiting('purchase'), queue.running('view'), queue.waiting('view')]).toEqual([2, 2, 2, 1]);
    for (const name of ['v1', 'p2', 'p1', 'v2', 'v3', 'p3', 'p4']) {
      holds.get(name)?.resolve();
      await tick();
    }
    expect(started).toEqual(['p1', 'p2', 'v1', 'v2', 'v3', 'p3', 'p4']);
    expect(await Promise.all(done)).toEqual(['p1', 'p2', 'p3', 'v1', 'v2', 'v3', 'p4']);
    expect([queue.running('purchase'), queue.waiting('purchase'), queue.running('view'), queue.waiting('view')]).toEqual([0, 0, 0, 0]);
  });

  it('frees the place of work that failed, and counts a wait as the admission phase', async () => {
    const queue = new WorkQueue(1);
    const hold = deferred();
    const first = queue.run('purchase', new RequestTiming(), () => hold.promise.then(() => Promise.reject(new Error('db down'))));
    const timing = new RequestTiming();
    const second = queue.run('purchase', timing, async () => 'ok');
    await new Promise((r) => setTimeout(r, 30));
    hold.resolve();
    await expect(first).rejects.toThrow('db down');
    await expect(second).resolves.toBe('ok');
    expect(queue.running('purchase')).toBe(0);
    const admission = /admission;dur=([\d.]+)/.exec(timing.header());
    expect(Number(admission?.[1])).toBeGreaterThanOrEqual(20);
    // Work that found a place at once spent no time in the queue.
    const direct = new RequestTiming();
    await queue.run('view', direct, async () => undefined);
    expect(direct.header()).not.toContain('admission');
  });

  it('keeps thousands waiting in order', async () => {
    const queue = new WorkQueue(1);
    const hold = deferred();
    const order: number[] = [];
    const first = queue.run('view', new RequestTiming(), () => hold.promise);
    const rest = Array.from({ length: 5000 }, (_, i) => queue.run('view', new RequestTiming(), async () => void order.push(i)));
    hold.resolve();
    await Promise.all([first, ...rest]);
    expect(order).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });

  it('gives up a wait at maxWaitMs without running the work, and passes the waiter over when a place frees', async () => {
    const queue = new WorkQueue(1);
    const hold = deferred();
    const first = queue.run('purchase', new RequestTiming(), () => hold.promise);
    let ran = false;
    const late = queue.run('purchase', new RequestTiming(), async () => void (ran = true), 20).catch((e: unknown) => e);
    const patient = queue.run('purchase', new RequestTiming(), async () => 'patient');
    const refused = await late;
    expect(refused).toBeInstanceOf(QueueTimeout);
    expect((refused as QueueTimeout).waitedMs).toBeGreaterThanOrEqual(15);
    hold.resolve();
    await first;
    expect(await patient).toBe('patient');
    expect(ran).toBe(false);
    expect([queue.running('purchase'), queue.waiting('purchase')]).toEqual([0, 0]);
  });
});
