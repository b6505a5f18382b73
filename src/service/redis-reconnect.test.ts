import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keepConnected } from './redis-reconnect.js';

function endingClient() {
  const client = Object.assign(new EventEmitter(), { status: 'ready', connects: 0, connect: async () => void (client.connects += 1) });
  return client;
}

describe('a Redis client that ended without being told to', () => {
  afterEach(() => vi.useRealTimers());

  it('is connected again after a second (ioredis ends a Sentinel client whose reconnect a failover cut short)', async () => {
    vi.useFakeTimers();
    const client = endingClient();
    keepConnected(client);
    client.status = 'end';
    client.emit('end');
    await vi.advanceTimersByTimeAsync(999);
    expect(client.connects).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(client.connects).toBe(1);
  });

  it('is left alone once its owner stopped the watch to disconnect it', async () => {
    vi.useFakeTimers();
    const client = endingClient();
    const stop = keepConnected(client);
    client.status = 'end';
    client.emit('end');
    stop();
    client.emit('end');
    await vi.advanceTimersByTimeAsync(5000);
    expect(client.connects).toBe(0);
  });
});
