import { describe, expect, it } from 'vitest';
import { createServiceLog } from './log.js';
import { parseServiceLogLine } from './log-line.js';

/** A service log writing into memory; `lines` are the JSON lines as they would reach the node's file. */
function capture(worker?: number) {
  const written: string[] = [];
  const log = createServiceLog({ node: 'app1', worker, destination: { write: (line) => void written.push(line) } });
  return { log, written, lines: () => written.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createServiceLog', () => {
  it('writes one JSON line per event: time in epoch ms, the level\'s label, node, pid, worker, event, then its fields', () => {
    const { log, written, lines } = capture(2);
    const before = Date.now();
    log.event('warn', 'dependency_lost', { dependency: 'redis', reason: 'connection closed' });
    expect(written).toHaveLength(1);
    expect(written[0]?.endsWith('\n')).toBe(true);
    expect(written[0]?.trimEnd()).not.toContain('\n');
    const [line] = lines();
    expect(line).toEqual({ level: 'warn', time: expect.any(Number), node: 'app1', pid: process.pid, worker: 2, event: 'dependency_lost', dependency: 'redis', reason: 'connection closed' });
    expect(line?.time).toBeGreaterThanOrEqual(before);
    expect(line?.time).toBeLessThanOrEqual(Date.now());
  });

  it('has no worker field in a process that is no worker (the node\'s primary)', () => {
    const { log, lines } = capture();
    log.event('info', 'primary_started', { workers: 2 });
    expect(lines()[0]).not.toHaveProperty('worker');
  });

  it('writes a sentence for people as `msg` when given one, and no `msg` otherwise', () => {
    const { log, lines } = capture();
    log.event('warn', 'worker_exited', { workerPid: 4243, signal: 'SIGKILL' }, 'worker 4243 was killed by SIGKILL; starting another');
    log.event('info', 'stopped');
    expect(lines()[0]).toMatchObject({ event: 'worker_exited', msg: 'worker 4243 was killed by SIGKILL; starting another' });
    expect(lines()[1]).not.toHaveProperty('msg');
  });

  it('writes an error under `err` with its type, message and stack', () => {
    const { log, lines } = capture();
    log.event('error', 'internal_error', { route: 'orders', err: new TypeError('boom') });
    expect(lines()[0]).toMatchObject({ level: 'error', event: 'internal_error', route: 'orders', err: { type: 'TypeError', message: 'boom', stack: expect.stringContaining('TypeError: boom') } });
  });

  it('writes lines that status reads back', () => {
    const { log, written } = capture(1);
    log.event('info', 'listening', { port: 18081 });
    expect(parseServiceLogLine(written[0]?.trimEnd() ?? '')).toMatchObject({ level: 'info', event: 'listening', port: 18081 });
  });
});

describe('parseServiceLogLine', () => {
  it.each([
    ['a plain message', 'app1: primary 4242 started 2 workers'],
    ['a stack trace line', '    at Database.acquire (file:///dist/service/database.js:140:15)'],
    ['cut JSON', '{"level":"warn","time":17'],
    ['JSON without an event', '{"level":"info","time":1700000000000,"msg":"hello"}'],
    ['JSON with a time that is no number', '{"level":"info","time":"noon","event":"listening"}'],
    ['a JSON array', '[1,2]'],
  ])('skips %s', (_what, line) => {
    expect(parseServiceLogLine(line)).toBeUndefined();
  });
});
