import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppLogWatch } from './app-log-events.js';

describe('AppLogWatch', () => {
  it('reads only what the apps logged since it was made, the events that matter, on the load clock', () => {
    const dir = mkdtempSync(join(tmpdir(), 'app-log-'));
    const app1 = join(dir, 'app1.log');
    const app2 = join(dir, 'app2.log');
    writeFileSync(app1, `${JSON.stringify({ time: 500, level: 'info', event: 'dependency_lost', dependency: 'redis' })}\n`);
    const watch = new AppLogWatch([{ node: 'app1', file: app1 }, { node: 'app2', file: app2 }]);
    appendFileSync(app1, [
      JSON.stringify({ time: 1_300, level: 'warn', event: 'dependency_lost', node: 'app1', pid: 9, dependency: 'redis', error: 'ECONNREFUSED' }),
      'a plain line a crash printed',
      JSON.stringify({ time: 1_200, level: 'debug', event: 'something_else' }),
      JSON.stringify({ time: 4_100, level: 'info', event: 'dependency_regained', node: 'app1', dependency: 'redis' }),
      '',
    ].join('\n'));
    writeFileSync(app2, `${JSON.stringify({ time: 2_000, level: 'warn', event: 'refused', route: 'purchase', code: 'unavailable', count: 12 })}\n`);
    expect(watch.read(1_000).events).toEqual([
      { atMs: 300, node: 'app1', event: 'dependency_lost', detail: 'dependency=redis error=ECONNREFUSED' },
      { atMs: 1_000, node: 'app2', event: 'refused', detail: 'route=purchase code=unavailable count=12' },
      { atMs: 3_100, node: 'app1', event: 'dependency_regained', detail: 'dependency=redis' },
    ]);
  });
});
