import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logTail, recentServiceEvents } from './log-tail.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shopctl-log-tail-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const event = (n: number) => JSON.stringify({ level: 'warn', time: 1_700_000_000_000 + n, node: 'app1', pid: 7, event: 'refused', n });

describe('recentServiceEvents', () => {
  it('gives the last events the service wrote, oldest first, skipping every other line', () => {
    const file = join(dir, 'app1.log');
    writeFileSync(file, [event(1), 'app1: primary 7 started 2 workers', event(2), event(3), 'Error: boom', '    at main (file:///x.js:1:1)', event(4), ''].join('\n'));
    expect(recentServiceEvents(file, 3).map((e) => e.n)).toEqual([2, 3, 4]);
    expect(recentServiceEvents(file, 10).map((e) => e.n)).toEqual([1, 2, 3, 4]);
  });

  it('reads only the end of a long log, never a line cut at its start', () => {
    const file = join(dir, 'app1.log');
    for (let i = 0; i < 20; i++) appendFileSync(file, `${Array.from({ length: 500 }, (_, j) => event(i * 500 + j)).join('\n')}\n`);
    const events = recentServiceEvents(file, 5000);
    expect(events.length).toBeGreaterThan(0);
    expect(events.length).toBeLessThan(10_000);
    expect(events.at(-1)?.n).toBe(9_999);
    // Consecutive: no line lost or cut inside what was read.
    expect(events.map((e) => Number(e.n))).toEqual(Array.from({ length: events.length }, (_, i) => 10_000 - events.length + i));
  });

  it('gives nothing for a log that is not there or holds no event', () => {
    expect(recentServiceEvents(join(dir, 'none.log'), 5)).toEqual([]);
    const file = join(dir, 'redis.log');
    writeFileSync(file, '1:M 15 Jan 2026 09:30:12.345 * Ready to accept connections tcp\n');
    expect(recentServiceEvents(file, 5)).toEqual([]);
  });
});

describe('logTail', () => {
  it('gives the last lines as they are, under the file\'s name', () => {
    const file = join(dir, 'nginx.log');
    writeFileSync(file, 'one\ntwo\nthree\n');
    expect(logTail(file, 2)).toEqual([`last lines of ${file}:`, '  two', '  three']);
    expect(logTail(join(dir, 'none.log'))).toEqual([`(no log at ${join(dir, 'none.log')})`]);
  });

  it('renders each line with `show` when given one', () => {
    const file = join(dir, 'app1.log');
    writeFileSync(file, 'one\ntwo\n');
    expect(logTail(file, 5, (line) => line.toUpperCase())).toEqual([`last lines of ${file}:`, '  ONE', '  TWO']);
  });
});
