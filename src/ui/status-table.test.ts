import { describe, expect, it } from 'vitest';
import type { ServiceLogLine } from '../service/log-line.js';
import { formatLogEvent, formatLogLine } from './status-table.js';

const AT = Date.UTC(2026, 0, 15, 9, 30, 12, 345);

describe('formatLogEvent', () => {
  it('shows the time, the level when it is not info, the event and its own fields, not the ones every line has', () => {
    const line: ServiceLogLine = { level: 'warn', time: AT, node: 'app1', pid: 4242, worker: 2, event: 'dependency_lost', dependency: 'primary', reason: 'connect ECONNREFUSED 127.0.0.1:13306' };
    expect(formatLogEvent(line)).toBe('2026-01-15T09:30:12.345Z WARN dependency_lost worker=2 dependency=primary reason="connect ECONNREFUSED 127.0.0.1:13306"');
  });

  it('shows an info event without its level, numbers and words as they are', () => {
    const line: ServiceLogLine = { level: 'info', time: AT, node: 'app1', pid: 1, event: 'dependency_regained', dependency: 'redis', downMs: 4210 };
    expect(formatLogEvent(line)).toBe('2026-01-15T09:30:12.345Z dependency_regained dependency=redis downMs=4210');
  });

  it('shows an aggregated refusal with its count, and a serialized error by its message', () => {
    expect(formatLogEvent({ level: 'warn', time: AT, event: 'refused', route: 'orders', code: 'overloaded', count: 1873, since: AT - 1000 })).toBe(
      '2026-01-15T09:30:12.345Z WARN refused route=orders code=overloaded count=1873 since=2026-01-15T09:30:11.345Z',
    );
    expect(formatLogEvent({ level: 'error', time: AT, event: 'internal_error', err: { type: 'TypeError', message: 'x is undefined', stack: 'TypeError: x…' } })).toBe(
      '2026-01-15T09:30:12.345Z ERROR internal_error err="x is undefined"',
    );
  });
});

describe('formatLogLine', () => {
  it('shows a line the service wrote in human form, and any other line as it is', () => {
    const lines = [
      JSON.stringify({ level: 'warn', time: AT, node: 'app1', pid: 7, event: 'dependency_lost', dependency: 'redis', reason: 'connection closed' }),
      'app1 worker 7: asked by the primary, draining',
      '    at Database.acquire (file:///dist/service/database.js:140:15)',
      '{"cut":',
    ];
    expect(lines.map(formatLogLine)).toEqual([
      '2026-01-15T09:30:12.345Z WARN dependency_lost dependency=redis reason="connection closed"',
      'app1 worker 7: asked by the primary, draining',
      '    at Database.acquire (file:///dist/service/database.js:140:15)',
      '{"cut":',
    ]);
  });
});
