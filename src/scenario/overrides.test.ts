import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { parseDuration } from './duration.js';
import { loadScenario } from './load.js';
import { applyOverrides, parseMix } from './overrides.js';

const dir = mkdtempSync(join(tmpdir(), 'shopctl-scenario-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const closed = `name: t\nload: { model: closed, connections: 10, duration: 5s }\nmix: { view: 0.8, purchase: 0.2 }\n`;

describe('scenario files', () => {
  it('loads the bundled scenarios by name', () => {
    for (const name of ['seed', 'smoke', 'flash-sale', 'browse']) expect(loadScenario(name).name).toBe(name);
    expect(loadScenario('seed').load).toMatchObject({ model: 'closed', connections: 6000 });
  });

  it('fills defaults and turns durations into milliseconds', () => {
    const s = loadScenario(file('ok.yaml', closed));
    expect(s.load).toEqual({ model: 'closed', connections: 10, duration: 5000, warmup: 0, timeout: 10_000 });
    expect(s.popularity).toEqual({ kind: 'uniform' });
    expect(s.quantity).toEqual({ min: 1, max: 1 });
  });

  it.each([
    ['a bad duration', closed.replace('5s', '5 seconds'), /load\.duration: expected a duration such as 30s/],
    ['an unknown key', `${closed}extra: 1\n`, /Unrecognized key.*extra/],
    ['a mix that does not add up', closed.replace('purchase: 0.2', 'purchase: 0.3'), /mix: view \+ purchase must add up to 1/],
    ['an open model without a rate', closed.replace('model: closed', 'model: open'), /load\.rate/],
    ['an unknown popularity', `${closed}popularity: { kind: pareto }\n`, /popularity\.kind/],
    ['quantities the wrong way round', `${closed}quantity: { min: 3, max: 2 }\n`, /quantity: min must not exceed max/],
    ['a duplicate key', `${closed}seed: 1\nseed: 2\n`, /not valid YAML/],
  ])('refuses %s, naming the file and the key', (_, text, message) => {
    const path = file(`bad-${Math.random()}.yaml`, text);
    const error = (() => {
      try {
        loadScenario(path);
      } catch (e) {
        return e as UsageError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect([error?.message, ...(error?.details ?? [])].join('\n')).toMatch(message);
    expect([error?.message, ...(error?.details ?? [])].join('\n')).toContain(path);
  });
});

describe('overrides', () => {
  const scenario = loadScenario(file('base.yaml', closed));

  it('--rate turns a closed scenario into an open one, keeping its connections as the cap', () => {
    const { scenario: s, applied } = applyOverrides(scenario, { rate: 500, durationMs: 30_000, warmupMs: 5000 });
    expect(s.load).toEqual({ model: 'open', rate: 500, connections: 10, duration: 30_000, warmup: 5000, timeout: 10_000 });
    expect(applied).toEqual(['--rate 500', '--duration 30s', '--warmup 5s']);
  });

  it('sets connections, mix, strategy and seed', () => {
    const { scenario: s } = applyOverrides(scenario, { connections: 77, mix: { view: 1, purchase: 0 }, strategy: 'batched', seed: 9 });
    expect(s.load.connections).toBe(77);
    expect(s.mix).toEqual({ view: 1, purchase: 0 });
    expect(s.strategy).toBe('batched');
    expect(s.seed).toBe(9);
  });

  it('parses --mix, completing a missing weight', () => {
    expect(parseMix('view=0.8,purchase=0.2')).toEqual({ view: 0.8, purchase: 0.2 });
    expect(parseMix('purchase=0.5')).toEqual({ view: 0.5, purchase: 0.5 });
    expect(() => parseMix('view=0.8,buy=0.2')).toThrow(/unknown request kind "buy"/);
    expect(() => parseMix('view=2')).toThrow(UsageError);
    expect(() => parseMix('view=0.5,purchase=0.6')).toThrow(/add up to 1/);
    expect(() => parseMix('view')).toThrow(/expected view=W,purchase=W/);
  });

  it('parses durations', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('10')).toBeUndefined();
    expect(parseDuration('-1s')).toBeUndefined();
  });
});
