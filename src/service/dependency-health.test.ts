import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DependencyHealth } from './dependency-health.js';
import type { EventFields, EventLevel, ServiceEvent, ServiceLog } from './log.js';
import { watchRedis } from './redis-health.js';

type Line = { level: EventLevel; event: ServiceEvent } & EventFields;

function capture(): { log: ServiceLog; lines: Line[] } {
  const lines: Line[] = [];
  return { log: { event: (level, event, fields = {}) => void lines.push({ level, event, ...fields }) }, lines };
}

describe('DependencyHealth', () => {
  it('logs a loss once, however many failures follow, and the return once, with how long it was down', () => {
    const { log, lines } = capture();
    let now = 1_000;
    const health = new DependencyHealth(log, () => now);
    health.failed('primary', 'connect ECONNREFUSED 127.0.0.1:13306');
    now = 1_500;
    for (let i = 0; i < 50; i++) health.failed('primary', 'connect ECONNREFUSED 127.0.0.1:13306');
    now = 4_000;
    health.answered('primary');
    health.answered('primary');
    expect(lines).toEqual([
      { level: 'warn', event: 'dependency_lost', dependency: 'primary', reason: 'connect ECONNREFUSED 127.0.0.1:13306' },
      { level: 'info', event: 'dependency_regained', dependency: 'primary', downMs: 3_000 },
    ]);
  });

  it('logs nothing while a dependency answers as it should, and keeps dependencies apart', () => {
    const { log, lines } = capture();
    const health = new DependencyHealth(log);
    health.answered('redis');
    health.failed('replica', 'no answer');
    health.answered('redis');
    expect(lines.map((line) => [line.event, line.dependency])).toEqual([['dependency_lost', 'replica']]);
    expect([health.isDown('replica'), health.isDown('redis')]).toEqual([true, false]);
  });

  it('logs each new loss after a return', () => {
    const { log, lines } = capture();
    const health = new DependencyHealth(log);
    for (let i = 0; i < 3; i++) {
      health.failed('redis', 'connection closed');
      health.failed('redis', 'connect ECONNREFUSED');
      health.answered('redis');
    }
    expect(lines.map((line) => line.event)).toEqual(['dependency_lost', 'dependency_regained', 'dependency_lost', 'dependency_regained', 'dependency_lost', 'dependency_regained']);
  });
});

/** An ioredis client as the watch sees it: connection events, and a PING answered as the test says. */
class FakeRedis extends EventEmitter {
  answers = true;
  pings = 0;
  ping(): Promise<string> {
    this.pings++;
    return this.answers ? Promise.resolve('PONG') : Promise.reject(new Error('Command timed out'));
  }
}

describe('watchRedis', () => {
  afterEach(() => vi.useRealTimers());

  it('turns the client\'s close, error and ready events into one loss and one return', () => {
    const { log, lines } = capture();
    const redis = new FakeRedis();
    const stop = watchRedis(redis, new DependencyHealth(log));
    redis.emit('close');
    redis.emit('reconnecting');
    redis.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:16379'));
    redis.emit('close');
    redis.emit('ready');
    stop();
    expect(lines.map((line) => [line.event, line.reason])).toEqual([
      ['dependency_lost', 'connection closed'],
      ['dependency_regained', undefined],
    ]);
  });

  it('notices a Redis that stalls with its connection open by its PING, and its return the same way', async () => {
    vi.useFakeTimers();
    const { log, lines } = capture();
    const redis = new FakeRedis();
    const stop = watchRedis(redis, new DependencyHealth(log), 1000);
    await vi.advanceTimersByTimeAsync(1000);
    redis.answers = false;
    await vi.advanceTimersByTimeAsync(3000);
    redis.answers = true;
    await vi.advanceTimersByTimeAsync(1000);
    stop();
    expect(lines.map((line) => [line.event, line.reason])).toEqual([
      ['dependency_lost', 'Command timed out'],
      ['dependency_regained', undefined],
    ]);
  });

  it('once stopped, a deliberate disconnect is no loss and no PING is sent', async () => {
    vi.useFakeTimers();
    const { log, lines } = capture();
    const redis = new FakeRedis();
    watchRedis(redis, new DependencyHealth(log), 1000)();
    redis.emit('close');
    await vi.advanceTimersByTimeAsync(5000);
    expect([lines, redis.pings]).toEqual([[], 0]);
  });
});
