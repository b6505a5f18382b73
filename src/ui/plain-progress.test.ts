import { describe, expect, it } from 'vitest';
import { formatEvent } from './plain-progress.js';

describe('plain progress lines', () => {
  it('says what each node does, with its time', () => {
    expect(formatEvent({ type: 'node', node: 'mysql-primary', kind: 'mysql', phase: 'starting' })).toBe('mysql-primary (mysql) starting…');
    expect(formatEvent({ type: 'node', node: 'mysql-primary', kind: 'mysql', phase: 'ready', ms: 2345 })).toBe('mysql-primary (mysql) ready in 2.3s');
    expect(formatEvent({ type: 'node', node: 'lb', kind: 'nginx', phase: 'running', ms: 3 })).toBe('lb (nginx) already running');
    expect(formatEvent({ type: 'node', node: 'lb', kind: '', phase: 'stopped', ms: 100 })).toBe('lb stopped in 0.1s');
    expect(formatEvent({ type: 'node', node: 'app1', kind: 'app', phase: 'failed', ms: 60_000, message: 'readyz 503' })).toBe('app1 (app) failed in 60.0s: readyz 503');
  });

  it('says what topology-wide steps do', () => {
    expect(formatEvent({ type: 'step', step: 'databases', phase: 'started' })).toBe('setting up databases…');
    expect(formatEvent({ type: 'step', step: 'databases', phase: 'done', ms: 1100 })).toBe('set up databases in 1.1s');
  });

  it('says how an image pull goes', () => {
    const image = '127.0.0.1:29960/shopctl/redis:12';
    expect(formatEvent({ type: 'pull', image, phase: 'started' })).toBe(`pulling ${image}…`);
    expect(formatEvent({ type: 'pull', image, phase: 'progress', ms: 1000, message: '2/7 layers, 40 of 212 MiB' })).toBe(`pulling ${image}: 2/7 layers, 40 of 212 MiB`);
    expect(formatEvent({ type: 'pull', image, phase: 'done', ms: 5200 })).toBe(`pulled ${image} in 5.2s`);
    expect(formatEvent({ type: 'pull', image, phase: 'failed', ms: 100, message: 'manifest unknown' })).toBe(`failed to pull ${image} in 0.1s: manifest unknown`);
  });
});
