import { describe, expect, it } from 'vitest';
import { DeadlineExceeded, withDeadline } from './deadline.js';

const never = new Promise<never>(() => {});

describe('withDeadline', () => {
  it('passes a result or an error through', async () => {
    await expect(withDeadline(Promise.resolve(7), 1000)).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('boom')), 1000)).rejects.toThrow('boom');
  });

  it('gives up on a promise that hangs', async () => {
    await expect(withDeadline(never, 20)).rejects.toBeInstanceOf(DeadlineExceeded);
  });

  it('gives up at once when aborted, with the abort reason', async () => {
    const controller = new AbortController();
    const waiting = withDeadline(never, 60_000, controller.signal);
    controller.abort(new Error('interrupted'));
    await expect(waiting).rejects.toThrow('interrupted');
    await expect(withDeadline(Promise.resolve(1), 1000, controller.signal)).rejects.toThrow('interrupted');
  });
});
