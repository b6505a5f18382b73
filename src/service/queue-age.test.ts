import { describe, expect, it } from 'vitest';
import { queuedMs } from './queue-age.js';

const NOW = 1_764_120_000_250;

describe("the wait before the app, from nginx's X-Request-Start", () => {
  it('is the app clock less nginx\'s $msec, in ms', () => {
    expect(queuedMs('t=1764120000.000', NOW)).toBe(250);
    expect(queuedMs('t=1764119998.250', NOW)).toBe(2000);
    expect(queuedMs('t=1764120000.250', NOW)).toBe(0);
  });

  it('is unknown without a believable header: absent, malformed, repeated, from the future or over a minute old', () => {
    expect(queuedMs(undefined, NOW)).toBeUndefined();
    for (const header of ['', 't=', '1764120000.000', 't=1764120000', 't=1764120000.25', 't=abc.def', 't=1764120000.000x']) expect(queuedMs(header, NOW), header).toBeUndefined();
    expect(queuedMs(['t=1764120000.000', 't=1764120000.000'], NOW)).toBeUndefined();
    expect(queuedMs('t=1764120001.000', NOW)).toBeUndefined();
    expect(queuedMs('t=1764119900.000', NOW)).toBeUndefined();
  });
});
